/**
 * Reads named files out of an initramfs or a live rootfs image without unpacking anything to disk.
 * The input is walked the way the kernel unpacks an initrd (init/initramfs.c): newc cpio archives
 * and compressed members one after another, zero padding in between. Used to check the build ids
 * that the live system compares at boot (contract §2: mixing builds is fatal).
 */
import { X2Error } from '../errors.js';
import { ByteWalker, FormatError } from './byte-walk.js';
import { drive, iterableSource, type ByteSource } from './byte-source.js';
import { MAGIC_BYTES, detectCompression, readCompressedMember } from './compressed-member.js';
import { memberName, newcArchives, type Lookup } from './newc-walk.js';

/** Where the live images record their build (the upstream coreos-installer names too). */
const BUILD_ID_FILES: Record<'initramfs' | 'rootfs', string[]> = {
  initramfs: ['etc/nestos-live-initramfs', 'etc/coreos-live-initramfs'],
  rootfs: ['etc/nestos-live-rootfs', 'etc/coreos-live-rootfs'],
};

/**
 * The contents of the named regular files (first occurrence of each), keyed by the names as given.
 * Reading stops as soon as all are found; names not present are missing from the map.
 */
export async function findInInitrd(
  source: AsyncIterable<Uint8Array>,
  names: string[],
  what = 'the initramfs',
): Promise<Map<string, Buffer>> {
  return lookUp(iterableSource(source), names, 'all', what);
}

/**
 * The build id recorded in a live initramfs or rootfs image read from `source`, or undefined when it
 * has none. The source is closed when done.
 */
export async function buildIdIn(source: ByteSource, role: 'initramfs' | 'rootfs', what: string): Promise<string | undefined> {
  const names = BUILD_ID_FILES[role];
  const found = await lookUp(source, names, 'any', what);
  const first = names.map((name) => found.get(name)).find((data) => data !== undefined);
  return first?.toString('utf8').trim();
}

async function lookUp(source: ByteSource, names: string[], until: 'all' | 'any', what: string): Promise<Map<string, Buffer>> {
  const wanted = new Set(names.map(memberName));
  const found = new Map<string, Buffer>();
  const lookup: Lookup = {
    wanted,
    found,
    satisfied: () => (until === 'any' ? found.size > 0 : found.size === wanted.size),
  };
  try {
    await walkMembers(source, lookup, what);
  } catch (error) {
    if (error instanceof FormatError) {
      throw new X2Error('verification', `cannot read ${what}: ${error.message}`, {
        remedy: 'download it again; if it keeps failing, the image is damaged or not a NestOS live image',
        cause: error,
      });
    }
    throw error;
  } finally {
    await source.close();
  }
  return new Map(
    names.flatMap((name) => {
      const data = found.get(memberName(name));
      return data === undefined ? [] : [[name, data] as const];
    }),
  );
}

/** The kernel's loop: cpio archives as they are, compressed members decoded, zeros skipped. */
async function walkMembers(source: ByteSource, lookup: Lookup, what: string): Promise<void> {
  for (;;) {
    // Plain archives: the walk stops at the end of the input or at bytes that are not cpio.
    await drive(source, new ByteWalker(newcArchives(lookup, 'stop')), undefined, lookup.satisfied);
    if (lookup.satisfied()) return;
    const head = await peek(source, MAGIC_BYTES);
    if (head.length === 0) return;
    const kind = detectCompression(head);
    if (typeof kind !== 'string') {
      throw new X2Error('verification', `cannot read ${what}: unsupported compression (${kind.unsupported})`, {
        remedy: 'use the unmodified live images of a NestOS release (their members are gzip, xz or zstd compressed)',
      });
    }
    const inside = new ByteWalker(newcArchives(lookup, 'throw'));
    await readCompressedMember(kind, source, (chunk) => inside.done || inside.write(chunk), lookup.satisfied);
    if (lookup.satisfied()) return;
    inside.end();
  }
}

async function peek(source: ByteSource, n: number): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let length = 0;
  while (length < n) {
    const chunk = await source.next();
    if (!chunk) break;
    parts.push(chunk);
    length += chunk.length;
  }
  const joined = Buffer.concat(parts);
  source.unread(joined);
  return joined.subarray(0, n);
}
