// Reads the UEFI boot menu out of an OVMF vars file after the VM stopped: the firmware's own record
// of what an OS wrote to NVRAM, independent of efibootmgr and of the tool under test.
//
// Layout (EDK II): a firmware volume header (`_FVH` at offset 40, its length at 48), then a variable
// store header (28 bytes: signature GUID, size, format 0x5A, state 0xFE), then variables, each an
// AUTHENTICATED_VARIABLE_HEADER (60 bytes: StartId 0x55AA, State, Attributes, MonotonicCount,
// TimeStamp, PubKeyIndex, NameSize, DataSize, VendorGuid), the UCS-2 name, the data, 4-byte aligned.
// A variable is live in state VAR_ADDED (0x3F); 0x3E is "added, being replaced" (live only when no
// 0x3F copy follows); anything else is deleted.
import { readFile } from 'node:fs/promises';

const GLOBAL = '8be4df61-93ca-11d2-aa0d-00e098032b8c';

function guid(b) {
  const h = (x) => Buffer.from(x).toString('hex');
  const le = (x) => h(Buffer.from(x).reverse());
  return `${le(b.subarray(0, 4))}-${le(b.subarray(4, 6))}-${le(b.subarray(6, 8))}-${h(b.subarray(8, 10))}-${h(b.subarray(10, 16))}`;
}

/** Live variables of the store: Map "Name-guid" → data. */
export function parseVarStore(buf) {
  if (buf.toString('latin1', 40, 44) !== '_FVH') throw new Error('not an OVMF vars file (no _FVH)');
  const fvHeader = buf.readUInt16LE(48);
  let at = fvHeader + 28;
  const live = new Map();
  const transition = new Map();
  while (at + 60 <= buf.length && buf.readUInt16LE(at) === 0x55aa) {
    const state = buf[at + 2];
    const nameSize = buf.readUInt32LE(at + 36);
    const dataSize = buf.readUInt32LE(at + 40);
    const vendor = guid(buf.subarray(at + 44, at + 60));
    const name = buf.toString('utf16le', at + 60, at + 60 + nameSize).replace(/\0+$/, '');
    const data = buf.subarray(at + 60 + nameSize, at + 60 + nameSize + dataSize);
    const key = `${name}-${vendor}`;
    if (state === 0x3f) live.set(key, data);
    else if (state === 0x3e) transition.set(key, data);
    at = (at + 60 + nameSize + dataSize + 3) & ~3;
  }
  for (const [key, data] of transition) if (!live.has(key)) live.set(key, data);
  return live;
}

/** EFI_LOAD_OPTION → { label, active, partitionGuid, file } (first device path instance). */
export function loadOption(data) {
  const active = (data.readUInt32LE(0) & 1) === 1;
  const pathLength = data.readUInt16LE(4);
  let end = 6;
  while (data.readUInt16LE(end) !== 0) end += 2;
  const label = data.toString('utf16le', 6, end);
  const path = data.subarray(end + 2, end + 2 + pathLength);
  let partitionGuid = null;
  let file = null;
  for (let at = 0; at + 4 <= path.length;) {
    const [type, sub] = [path[at], path[at + 1]];
    const len = path.readUInt16LE(at + 2);
    if (type === 0x7f || len < 4) break;
    if (type === 4 && sub === 1 && path[at + 4 + 37] === 2) partitionGuid = guid(path.subarray(at + 4 + 20, at + 4 + 36));
    if (type === 4 && sub === 4) file = path.toString('utf16le', at + 4, at + len).replace(/\0+$/, '');
    at += len;
  }
  return { label, active, partitionGuid, file };
}

/** { bootOrder: ['0003', ...], entries: { '0003': { label, active, partitionGuid, file } } } */
export async function readBootMenu(varsFile) {
  const vars = parseVarStore(await readFile(varsFile));
  const order = vars.get(`BootOrder-${GLOBAL}`);
  const bootOrder = [];
  for (let i = 0; order && i + 1 < order.length; i += 2) bootOrder.push(order.readUInt16LE(i).toString(16).toUpperCase().padStart(4, '0'));
  const entries = {};
  for (const [key, data] of vars) {
    const m = /^Boot([0-9A-F]{4})-(.*)$/i.exec(key);
    if (m && m[2] === GLOBAL) entries[m[1].toUpperCase()] = loadOption(data);
  }
  return { bootOrder, entries };
}
