/**
 * The firmware's boot menu, read from efivarfs: BootCurrent, BootOrder and each Boot#### load
 * option (UEFI 2.10 §3.1.3 EFI_LOAD_OPTION, §10.3 device paths). The planner needs to know which
 * entries point at a partition of the destination disk: after the install they name a loader that
 * no longer exists, and firmware that does not fall through to the next entry never boots NestOS.
 * Entries are matched to partitions by GPT partition GUID (the HD() node), never by position.
 */
import type { HostFs } from '../effects/hostfs.js';

const EFI_GLOBAL_GUID = '8be4df61-93ca-11d2-aa0d-00e098032b8c';
const EFIVARS = '/sys/firmware/efi/efivars';
const BY_PARTUUID = '/dev/disk/by-partuuid';

export interface EfiBootEntry {
  /** Four upper-case hex digits, as efibootmgr prints them (Boot0003 → "0003"). */
  number: string;
  label: string;
  /** LOAD_OPTION_ACTIVE: the firmware considers it at all. */
  active: boolean;
  /** GPT partition GUID of the HD() node, lower case; undefined for network, firmware-app or MBR entries. */
  partitionGuid?: string;
  partitionNumber?: number;
  /** File() node: the loader's path on that partition, e.g. \EFI\debian\shimx64.efi. */
  file?: string;
  /** The whole device path, efibootmgr-like, for the log and the plan. */
  devicePath: string;
}

export interface EfiBootFacts {
  bootCurrent: string | undefined;
  bootOrder: string[];
  entries: EfiBootEntry[];
  /** Lower-case partition GUID → kernel partition name (/dev/vda1), from /dev/disk/by-partuuid. */
  partitions: Record<string, string>;
}

/** One efivarfs file: 4 bytes of attributes, then the variable's value. */
function valueOf(bytes: Buffer): Buffer {
  return bytes.subarray(4);
}

export function hex4(n: number): string {
  return n.toString(16).toUpperCase().padStart(4, '0');
}

/** EFI_GUID as stored: a little-endian u32 and two u16, then 8 bytes in order. */
export function guidFromBytes(b: Buffer): string {
  const h = (buf: Buffer) => buf.toString('hex');
  const le = (buf: Buffer) => h(Buffer.from(buf).reverse());
  return `${le(b.subarray(0, 4))}-${le(b.subarray(4, 6))}-${le(b.subarray(6, 8))}-${h(b.subarray(8, 10))}-${h(b.subarray(10, 16))}`;
}

/** NUL-terminated UCS-2 string starting at `offset`; returns the text and the offset past the NUL. */
function ucs2z(b: Buffer, offset: number): { text: string; end: number } {
  let end = offset;
  while (end + 1 < b.length && (b[end] !== 0 || b[end + 1] !== 0)) end += 2;
  return { text: b.subarray(offset, end).toString('utf16le'), end: end + 2 };
}

interface PathNodes {
  partitionGuid?: string;
  partitionNumber?: number;
  file?: string;
  text: string;
}

/** Walks the first device path instance; unknown nodes are shown by type/subtype. */
export function parseDevicePath(b: Buffer): PathNodes {
  const out: PathNodes = { text: '' };
  const parts: string[] = [];
  let at = 0;
  while (at + 4 <= b.length) {
    const type = b[at] as number;
    const sub = b[at + 1] as number;
    const len = b.readUInt16LE(at + 2);
    if (len < 4 || at + len > b.length) {
      parts.push('(truncated)');
      break;
    }
    const node = b.subarray(at + 4, at + len);
    if (type === 0x7f) break; // end of the device path (entire or instance)
    if (type === 4 && sub === 1 && node.length >= 38) {
      // Hard drive: partition number, start, size (LBA), 16-byte signature, MBR type, signature type.
      const number = node.readUInt32LE(0);
      const sigType = node[37];
      if (sigType === 2) {
        out.partitionGuid = guidFromBytes(node.subarray(20, 36));
        out.partitionNumber = number;
        parts.push(`HD(${number},GPT,${out.partitionGuid})`);
      } else {
        parts.push(`HD(${number},MBR,0x${node.readUInt32LE(20).toString(16)})`);
      }
    } else if (type === 4 && sub === 4) {
      const file = ucs2z(node, 0).text;
      out.file = out.file === undefined ? file : `${out.file}${file}`;
      parts.push(`File(${file})`);
    } else if (type === 3 && sub === 11) {
      parts.push('MAC()');
    } else if (type === 3 && sub === 24) {
      parts.push(`Uri(${node.toString('latin1')})`);
    } else {
      parts.push(`Node(${type},${sub})`);
    }
    at += len;
  }
  out.text = parts.join('/');
  return out;
}

/** EFI_LOAD_OPTION: u32 attributes, u16 file path list length, UCS-2 description, device paths, optional data. */
export function parseLoadOption(number: string, value: Buffer): EfiBootEntry | undefined {
  if (value.length < 6) return undefined;
  const attributes = value.readUInt32LE(0);
  const pathLength = value.readUInt16LE(4);
  const label = ucs2z(value, 6);
  const path = parseDevicePath(value.subarray(label.end, label.end + pathLength));
  return {
    number,
    label: label.text,
    active: (attributes & 1) === 1,
    ...(path.partitionGuid === undefined ? {} : { partitionGuid: path.partitionGuid, partitionNumber: path.partitionNumber }),
    ...(path.file === undefined ? {} : { file: path.file }),
    devicePath: path.text,
  };
}

function u16s(value: Buffer): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < value.length; i += 2) out.push(hex4(value.readUInt16LE(i)));
  return out;
}

/** Undefined when the EFI variables cannot be read (BIOS boot, efivarfs not mounted). */
export async function readEfiBoot(fs: HostFs): Promise<EfiBootFacts | undefined> {
  const variable = (name: string) => fs.readBytes(`${EFIVARS}/${name}-${EFI_GLOBAL_GUID}`);
  const names = await fs.list(EFIVARS);
  if (names.length === 0) return undefined;
  const current = await variable('BootCurrent');
  const order = await variable('BootOrder');
  const entries: EfiBootEntry[] = [];
  for (const name of names) {
    const m = /^Boot([0-9A-Fa-f]{4})-8be4df61-93ca-11d2-aa0d-00e098032b8c$/.exec(name);
    if (m?.[1] === undefined) continue;
    const bytes = await fs.readBytes(`${EFIVARS}/${name}`);
    const entry = bytes === undefined ? undefined : parseLoadOption(m[1].toUpperCase(), valueOf(bytes));
    if (entry) entries.push(entry);
  }
  entries.sort((a, b) => a.number.localeCompare(b.number));
  const partitions: Record<string, string> = {};
  for (const guid of await fs.list(BY_PARTUUID)) {
    const target = await fs.link(`${BY_PARTUUID}/${guid}`);
    if (target !== undefined) partitions[guid.toLowerCase()] = `/dev/${target.split('/').pop() ?? ''}`;
  }
  return {
    bootCurrent: current === undefined || current.length < 6 ? undefined : u16s(valueOf(current))[0],
    bootOrder: order === undefined ? [] : u16s(valueOf(order)),
    entries,
    partitions,
  };
}
