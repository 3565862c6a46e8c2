/**
 * Reading newc cpio archives the way the kernel unpacks an initramfs: archives one after another,
 * zero bytes between them ignored, names without a leading "./" or "/". Only the bodies of the
 * wanted files are kept; every other body is skipped (the live rootfs starts with an ~800 MB
 * root.squashfs that must never be held in memory).
 */
import { FormatError, need, skip, skipZeros, type Walk } from './byte-walk.js';

const HEADER_SIZE = 110;
const ASCII_ZERO = 0x30;
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
/** The build-id files are a line; anything wanted is small. A huge "wanted" body means a mistake. */
const MAX_WANTED_SIZE = 64 << 20;

export interface Lookup {
  /** Normalized names (see `memberName`). */
  wanted: ReadonlySet<string>;
  found: Map<string, Buffer>;
  /** True once the caller has what it needs (all names, or any one of them). */
  satisfied(): boolean;
}

/** `./etc/x`, `/etc/x` and `etc/x` are the same member for the kernel. */
export function memberName(name: string): string {
  return name.replace(/^(?:\.?\/)+/, '');
}

/**
 * Archives until the input stops looking like cpio. With `onOther: 'stop'` the walk ends (without
 * consuming it) at the first non-zero byte that cannot start an archive, so the caller can look for a
 * compressed member there; with 'throw' that byte is an error, as inside a compressed member.
 */
export function* newcArchives(lookup: Lookup, onOther: 'stop' | 'throw'): Walk {
  for (;;) {
    if (lookup.satisfied()) return;
    const next = yield* skipZeros();
    if (next === undefined) return;
    if (next !== ASCII_ZERO) {
      if (onOther === 'stop') return;
      throw new FormatError(`unexpected data (byte 0x${next.toString(16).padStart(2, '0')}) between cpio archives`);
    }
    yield* newcArchive(lookup);
  }
}

/** One archive, up to and including its TRAILER!!! record. */
function* newcArchive(lookup: Lookup): Walk {
  // Hard links: newc carries the data once, with the last link; earlier links have size 0.
  const waitingLinks = new Map<string, string[]>();
  for (;;) {
    const header = parseHeader(yield* need(HEADER_SIZE));
    const nameField = yield* need(align4(HEADER_SIZE + header.namesize) - HEADER_SIZE);
    const name = memberName(Buffer.from(nameField.subarray(0, Math.max(0, header.namesize - 1))).toString('utf8'));
    const isFile = (header.mode & S_IFMT) === S_IFREG;
    const inode = `${header.devmajor}:${header.devminor}:${header.ino}`;
    const want = isFile && !lookup.satisfied() && (lookup.wanted.has(name) || waitingLinks.has(inode)) && !lookup.found.has(name);

    if (want && header.filesize === 0 && header.nlink > 1) {
      waitingLinks.set(inode, [...(waitingLinks.get(inode) ?? []), name]);
    } else if (want) {
      if (header.filesize > MAX_WANTED_SIZE) throw new FormatError(`${name} is ${header.filesize} bytes, far larger than expected`);
      const body = Buffer.from(yield* need(header.filesize));
      for (const target of [name, ...(waitingLinks.get(inode) ?? [])]) {
        if (lookup.wanted.has(target) && !lookup.found.has(target)) lookup.found.set(target, body);
      }
      waitingLinks.delete(inode);
      yield* skip(align4(header.filesize) - header.filesize);
      continue;
    }
    yield* skip(align4(header.filesize));
    if (name === 'TRAILER!!!') return;
  }
}

interface Header {
  ino: number;
  mode: number;
  nlink: number;
  filesize: number;
  devmajor: number;
  devminor: number;
  namesize: number;
}

function parseHeader(bytes: Uint8Array): Header {
  const text = Buffer.from(bytes).toString('latin1');
  const magic = text.slice(0, 6);
  if (magic !== '070701' && magic !== '070702') {
    throw new FormatError(`bad cpio header (magic ${JSON.stringify(magic)}; only newc archives are supported)`);
  }
  const field = (index: number): number => {
    const hex = text.slice(6 + index * 8, 14 + index * 8);
    if (!/^[0-9a-fA-F]{8}$/.test(hex)) throw new FormatError(`bad cpio header field ${JSON.stringify(hex)}`);
    return parseInt(hex, 16);
  };
  const header = {
    ino: field(0),
    mode: field(1),
    nlink: field(4),
    filesize: field(6),
    devmajor: field(7),
    devminor: field(8),
    namesize: field(11),
  };
  if (header.namesize === 0) throw new FormatError('bad cpio header (empty name)');
  return header;
}

/** Sizes reach 4 GiB: no 32-bit bitwise arithmetic here. */
function align4(n: number): number {
  return n + ((4 - (n % 4)) % 4);
}
