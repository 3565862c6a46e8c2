/**
 * Reads the NestOS live ISO without mounting it: the original x2nestos mounted the ISO, which needs
 * root, a loop device and a kernel that has iso9660. All we need are the byte ranges of
 * `images/pxeboot/{vmlinuz,initrd.img,rootfs.img}`; they are then read (or fetched with HTTP Range)
 * straight out of the image. Names come from Rock Ridge (what xorriso writes), else Joliet, else
 * the plain ISO 9660 names.
 */
import { X2Error } from '../errors.js';

export interface RangeReader {
  /** `length` bytes at `offset`; fewer only at the end of the image. */
  read(offset: number, length: number): Promise<Uint8Array>;
}

export interface IsoFile {
  /** Path inside the image, `/`-separated, without a leading slash. */
  path: string;
  /** Byte offset of the contents within the image. */
  offset: number;
  length: number;
  isDirectory: boolean;
}

export interface IsoImage {
  volumeId: string;
  /** The file or directory at `path` (leading slash optional). */
  find(path: string): Promise<IsoFile | undefined>;
  /** The entries of the directory at `dir` ('' or '/' for the root). */
  list(dir: string): Promise<IsoFile[]>;
}

const SECTOR = 2048;
const FIRST_DESCRIPTOR = 16 * SECTOR;
const MAX_DESCRIPTORS = 32;
/** Generous: the live ISO's largest directory holds a few dozen entries. */
const MAX_DIRECTORY_BYTES = 16 << 20;
const FLAG_DIRECTORY = 0x02;
const FLAG_MULTI_EXTENT = 0x80;

type Naming = 'rockridge' | 'joliet' | 'iso9660';

interface RawRecord {
  name: string;
  offset: number;
  length: number;
  flags: number;
  /** Rock Ridge CL: the real location of a relocated directory. */
  childLink?: number;
  /** Rock Ridge RE: the relocated copy, listed elsewhere under its real parent. */
  relocated: boolean;
}

export async function openIso(reader: RangeReader): Promise<IsoImage> {
  const descriptors = await readDescriptors(reader);
  const primary = descriptors.find((d) => d[0] === 1);
  if (!primary) throw notIso('it has no primary volume descriptor');
  const blockSize = primary.readUInt16LE(128);
  if (blockSize !== SECTOR) throw notIso(`its logical block size is ${blockSize}, not ${SECTOR}`);

  const volumeId = primary.toString('latin1', 40, 72).trim();
  const primaryRoot = rootRecord(primary);
  const susp = await suspSkip(reader, primaryRoot);
  const joliet = descriptors.find((d) => d[0] === 2 && isJolietEscape(d.subarray(88, 91)));

  let naming: Naming = 'iso9660';
  let root = primaryRoot;
  if (susp !== undefined) naming = 'rockridge';
  else if (joliet) {
    naming = 'joliet';
    root = rootRecord(joliet);
  }
  return new IsoTree(reader, naming, susp ?? 0, volumeId, root);
}

class IsoTree implements IsoImage {
  private readonly directories = new Map<number, Promise<IsoFile[]>>();
  private readonly rootFile: IsoFile;

  constructor(
    private readonly reader: RangeReader,
    private readonly naming: Naming,
    private readonly suspSkipBytes: number,
    readonly volumeId: string,
    root: { offset: number; length: number },
  ) {
    this.rootFile = { path: '', offset: root.offset, length: root.length, isDirectory: true };
  }

  async find(path: string): Promise<IsoFile | undefined> {
    let current = this.rootFile;
    for (const segment of segments(path)) {
      if (!current.isDirectory) return undefined;
      const entries = await this.entries(current);
      const wanted = segment.toLowerCase();
      const next = entries.find((e) => baseName(e.path) === segment) ?? entries.find((e) => baseName(e.path).toLowerCase() === wanted);
      if (!next) return undefined;
      current = next;
    }
    return current;
  }

  async list(dir: string): Promise<IsoFile[]> {
    const found = await this.find(dir);
    if (!found?.isDirectory) {
      throw new X2Error('usage', `the ISO has no directory /${segments(dir).join('/')}`, {
        remedy: 'pass the NestOS live ISO with --iso, or the three PXE files with --kernel, --initramfs and --rootfs',
      });
    }
    return this.entries(found);
  }

  private entries(dir: IsoFile): Promise<IsoFile[]> {
    let cached = this.directories.get(dir.offset);
    if (!cached) {
      cached = this.readDirectory(dir);
      this.directories.set(dir.offset, cached);
    }
    return cached;
  }

  private async readDirectory(dir: IsoFile): Promise<IsoFile[]> {
    if (dir.length > MAX_DIRECTORY_BYTES) throw damaged(`directory /${dir.path} claims ${dir.length} bytes`);
    const data = await readExactly(this.reader, dir.offset, dir.length);
    const records: RawRecord[] = [];
    for (let pos = 0; pos < data.length;) {
      const size = data[pos]!;
      if (size === 0) {
        // Records never cross a sector boundary; the rest of this sector is padding.
        pos = (Math.floor(pos / SECTOR) + 1) * SECTOR;
        continue;
      }
      if (size < 34 || pos + size > data.length) throw damaged(`bad directory record in /${dir.path}`);
      const record = await this.parseRecord(data.subarray(pos, pos + size));
      if (record) records.push(record);
      pos += size;
    }
    return this.files(dir.path, records);
  }

  private async parseRecord(record: Buffer): Promise<RawRecord | undefined> {
    const nameLength = record[32]!;
    const rawName = record.subarray(33, 33 + nameLength);
    // "." and ".." are single bytes 0 and 1.
    if (nameLength === 1 && rawName[0]! <= 1) return undefined;
    const parsed: RawRecord = {
      name: this.naming === 'joliet' ? jolietName(rawName) : isoName(rawName),
      offset: record.readUInt32LE(2) * SECTOR,
      length: record.readUInt32LE(10),
      flags: record[25]!,
      relocated: false,
    };
    if (this.naming === 'rockridge') {
      const systemUse = record.subarray(33 + nameLength + (nameLength % 2 === 0 ? 1 : 0) + this.suspSkipBytes);
      await this.applyRockRidge(systemUse, parsed);
    }
    return parsed;
  }

  /** Rock Ridge entries that matter here: NM (the real name), CL and RE (deep directory relocation). */
  private async applyRockRidge(area: Buffer, record: RawRecord): Promise<void> {
    let name: string | undefined;
    let pending: Buffer | undefined = area;
    for (let hops = 0; pending && hops < 16; hops++) {
      const current: Buffer = pending;
      pending = undefined;
      for (let pos = 0; pos + 4 <= current.length;) {
        const signature = current.toString('latin1', pos, pos + 2);
        const size = current[pos + 2]!;
        if (size < 4 || pos + size > current.length) break;
        const entry = current.subarray(pos, pos + size);
        if (signature === 'ST') break;
        if (signature === 'NM' && size >= 5) {
          const flags = entry[4]!;
          if ((flags & 0x06) === 0) name = (name ?? '') + entry.toString('utf8', 5);
        } else if (signature === 'CL' && size >= 12) {
          record.childLink = entry.readUInt32LE(4) * SECTOR;
        } else if (signature === 'RE') {
          record.relocated = true;
        } else if (signature === 'CE' && size >= 28) {
          const at = entry.readUInt32LE(4) * SECTOR + entry.readUInt32LE(12);
          pending = await readExactly(this.reader, at, entry.readUInt32LE(20));
        }
        pos += size;
      }
    }
    if (name !== undefined && name !== '') record.name = name;
  }

  /** Records → files: relocated copies dropped, child links followed, multi-extent parts joined. */
  private async files(dirPath: string, records: RawRecord[]): Promise<IsoFile[]> {
    const files: IsoFile[] = [];
    for (let i = 0; i < records.length; i++) {
      const record = records[i]!;
      if (record.relocated) continue;
      const path = dirPath === '' ? record.name : `${dirPath}/${record.name}`;
      if (record.childLink !== undefined) {
        files.push({ path, ...(await this.relocatedDirectory(record.childLink)), isDirectory: true });
        continue;
      }
      let length = record.length;
      let last = record;
      while (last.flags & FLAG_MULTI_EXTENT) {
        const next = records[i + 1];
        if (!next || next.name !== record.name) throw damaged(`/${path} ends in the middle of a multi-extent file`);
        if (next.offset !== record.offset + length) {
          throw new X2Error('usage', `/${path} in the ISO is split into extents that are not contiguous, which x2nestos cannot read`, {
            remedy: 'extract the three PXE files and pass them with --kernel, --initramfs and --rootfs',
          });
        }
        length += next.length;
        last = next;
        i++;
      }
      files.push({ path, offset: record.offset, length, isDirectory: (record.flags & FLAG_DIRECTORY) !== 0 });
    }
    return files;
  }

  /** The extent of a directory moved by deep-directory relocation: its own "." record tells. */
  private async relocatedDirectory(offset: number): Promise<{ offset: number; length: number }> {
    const sector = await readExactly(this.reader, offset, SECTOR);
    return { offset, length: sector.readUInt32LE(10) };
  }
}

async function readDescriptors(reader: RangeReader): Promise<Buffer[]> {
  const descriptors: Buffer[] = [];
  for (let i = 0; i < MAX_DESCRIPTORS; i++) {
    const sector = Buffer.from(await reader.read(FIRST_DESCRIPTOR + i * SECTOR, SECTOR));
    if (sector.length < SECTOR || sector.toString('latin1', 1, 6) !== 'CD001') {
      if (i === 0) throw notIso('there is no CD001 volume descriptor at 32 KiB');
      throw notIso('its volume descriptor set is not terminated');
    }
    if (sector[0] === 255) return descriptors;
    descriptors.push(sector);
  }
  throw notIso('its volume descriptor set is not terminated');
}

function rootRecord(descriptor: Buffer): { offset: number; length: number } {
  return { offset: descriptor.readUInt32LE(156 + 2) * SECTOR, length: descriptor.readUInt32LE(156 + 10) };
}

/**
 * SUSP is in use when the root's "." record starts its system use area with SP; SP also says how
 * many bytes to skip in every later system use area. Returns undefined without SUSP.
 */
async function suspSkip(reader: RangeReader, root: { offset: number }): Promise<number | undefined> {
  const sector = await readExactly(reader, root.offset, SECTOR);
  const size = sector[0]!;
  const nameLength = sector[32]!;
  const area = sector.subarray(33 + nameLength + (nameLength % 2 === 0 ? 1 : 0), size);
  if (area.length >= 7 && area.toString('latin1', 0, 2) === 'SP' && area[4] === 0xbe && area[5] === 0xef) return area[6]!;
  return undefined;
}

function isJolietEscape(escape: Uint8Array): boolean {
  return escape[0] === 0x25 && escape[1] === 0x2f && (escape[2] === 0x40 || escape[2] === 0x43 || escape[2] === 0x45);
}

/** `VMLINUZ.;1` → `VMLINUZ`, `ROOTFS.IMG;1` → `ROOTFS.IMG`. */
function isoName(raw: Uint8Array): string {
  return Buffer.from(raw).toString('latin1').replace(/;\d*$/, '').replace(/\.$/, '');
}

function jolietName(raw: Uint8Array): string {
  const swapped = Buffer.from(raw.subarray(0, raw.length - (raw.length % 2)));
  return swapped.swap16().toString('utf16le').replace(/;\d*$/, '').replace(/\.$/, '');
}

async function readExactly(reader: RangeReader, offset: number, length: number): Promise<Buffer> {
  const data = Buffer.from(await reader.read(offset, length));
  if (data.length < length) throw damaged(`it ends at byte ${offset + data.length}, inside data expected up to byte ${offset + length}`);
  return data;
}

function segments(path: string): string[] {
  return path.split('/').filter((s) => s !== '' && s !== '.');
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function notIso(why: string): X2Error {
  return new X2Error('usage', `the file given as the NestOS ISO is not an ISO 9660 image (${why})`, {
    remedy: 'pass the NestOS live ISO (nestos-<build>-live.<arch>.iso) with --iso',
  });
}

function damaged(why: string): X2Error {
  return new X2Error('verification', `the NestOS ISO is damaged or truncated: ${why}`, {
    remedy: 'download the ISO again and check its sha256 with --iso-sha256',
  });
}
