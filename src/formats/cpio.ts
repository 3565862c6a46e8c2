/**
 * newc ("070701") cpio writer for the archive appended to the live initrd (contract §2, §4).
 *
 * Output is deterministic: mtime, uid and gid are 0 and inode numbers are handed out in order, so the
 * same entries always give the same bytes (and the same sha256 in the plan and the log). The kernel
 * creates nothing for a path whose parent is missing, so parents are added on the way.
 */
import { gzipSync } from 'node:zlib';
import { X2Error } from '../errors.js';

export type CpioEntry =
  | { type: 'dir'; path: string; mode: number }
  | { type: 'file'; path: string; mode: number; data: Uint8Array }
  | { type: 'symlink'; path: string; target: string };

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const NEWC_MAGIC = '070701';
const HEADER_SIZE = 110;
const TRAILER = 'TRAILER!!!';
const PARENT_MODE = 0o755;

interface Member {
  name: string;
  mode: number;
  nlink: number;
  data: Uint8Array;
}

export function cpioArchive(entries: CpioEntry[]): Buffer {
  const members = orderedMembers(entries);
  const chunks: Buffer[] = [];
  members.forEach((member, index) => chunks.push(...encode(member, index + 1)));
  chunks.push(...encode({ name: TRAILER, mode: 0, nlink: 1, data: new Uint8Array(0) }, 0));
  return Buffer.concat(chunks);
}

/**
 * The archive, compressed, zero-padded to a 4-byte multiple: the kernel looks for the next
 * appended member on a 4-byte boundary and skips the zeros in between.
 */
export function compressedCpio(entries: CpioEntry[], compression: 'gzip' | 'none'): Buffer {
  const archive = cpioArchive(entries);
  if (compression === 'none') return archive;
  return padTo4(gzipSync(archive, { level: 9 }));
}

function padTo4(data: Buffer): Buffer {
  const pad = padding(data.length);
  return pad === 0 ? data : Buffer.concat([data, Buffer.alloc(pad)]);
}

function padding(length: number): number {
  return (4 - (length % 4)) % 4;
}

/** Entries in archive order, each directory before what it holds, with link counts filled in. */
function orderedMembers(entries: CpioEntry[]): Member[] {
  const explicitDirModes = new Map<string, number>();
  for (const entry of entries) {
    if (entry.type === 'dir') explicitDirModes.set(archivePath(entry.path), entry.mode);
  }

  const members: Member[] = [];
  const byName = new Map<string, Member>();
  const add = (member: Member): void => {
    if (byName.has(member.name)) {
      throw new X2Error('internal', `cpio archive lists ${member.name} twice`);
    }
    byName.set(member.name, member);
    members.push(member);
  };
  const addParents = (name: string): void => {
    const parts = name.split('/');
    for (let depth = 1; depth < parts.length; depth++) {
      const parent = parts.slice(0, depth).join('/');
      const existing = byName.get(parent);
      if (existing && (existing.mode & 0o170000) !== S_IFDIR) {
        throw new X2Error('internal', `cpio archive uses ${parent} both as a directory and as a file`);
      }
      if (!existing) add(dirMember(parent, explicitDirModes.get(parent) ?? PARENT_MODE));
    }
  };

  for (const entry of entries) {
    const name = archivePath(entry.path);
    addParents(name);
    if (entry.type === 'dir') {
      // A directory created earlier as someone's parent already carries this entry's mode.
      if (!byName.has(name)) add(dirMember(name, entry.mode));
    } else if (entry.type === 'file') {
      add({ name, mode: S_IFREG | (entry.mode & 0o7777), nlink: 1, data: entry.data });
    } else {
      add({ name, mode: S_IFLNK | 0o777, nlink: 1, data: Buffer.from(entry.target, 'utf8') });
    }
  }

  // A directory's link count is 2 ("." and its entry in the parent) plus one per subdirectory's "..".
  for (const member of members) {
    if ((member.mode & 0o170000) !== S_IFDIR) continue;
    const slash = member.name.lastIndexOf('/');
    if (slash < 0) continue;
    const parent = byName.get(member.name.slice(0, slash));
    if (parent) parent.nlink += 1;
  }
  return members;
}

function dirMember(name: string, mode: number): Member {
  return { name, mode: S_IFDIR | (mode & 0o7777), nlink: 2, data: new Uint8Array(0) };
}

/** `etc/x`, never `/etc/x`, `./etc/x` or anything that climbs out of the root. */
function archivePath(path: string): string {
  const name = path.replace(/^\/+/, '').replace(/\/+$/, '');
  const segments = name.split('/');
  if (name === '' || name.includes('\0') || segments.some((s) => s === '' || s === '.' || s === '..')) {
    throw new X2Error('internal', `invalid cpio member path ${JSON.stringify(path)}`);
  }
  return name;
}

function encode(member: Member, inode: number): Buffer[] {
  const name = Buffer.from(`${member.name}\0`, 'utf8');
  const fields = [inode, member.mode, 0, 0, member.nlink, 0, member.data.length, 0, 0, 0, 0, name.length, 0];
  const header = Buffer.from(NEWC_MAGIC + fields.map(hex8).join(''), 'ascii');
  const chunks: Buffer[] = [header, name, Buffer.alloc(padding(HEADER_SIZE + name.length))];
  if (member.data.length > 0) {
    chunks.push(Buffer.from(member.data.buffer, member.data.byteOffset, member.data.byteLength));
    chunks.push(Buffer.alloc(padding(member.data.length)));
  }
  return chunks;
}

function hex8(value: number): string {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new X2Error('internal', `cpio header field out of range: ${value}`);
  }
  return value.toString(16).toUpperCase().padStart(8, '0');
}
