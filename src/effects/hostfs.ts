/**
 * Read access to the host's files (/etc, /proc, /sys, /dev/disk), rooted so the sandbox can point
 * it at a captured tree. Fact gathering reads through this and nothing else.
 */
import { readFile, readdir, readlink, stat, access, open } from 'node:fs/promises';
import path from 'node:path';

export interface HostFs {
  /** Absolute host path → contents, or undefined when it does not exist or cannot be read. */
  read(p: string): Promise<string | undefined>;
  readBytes(p: string): Promise<Buffer | undefined>;
  list(dir: string): Promise<string[]>;
  /** Target of a symlink, as stored (may be relative). */
  link(p: string): Promise<string | undefined>;
  exists(p: string): Promise<boolean>;
  /** Size in bytes of a file, undefined when absent. */
  size(p: string): Promise<number | undefined>;
  /** `length` bytes at `offset` of a file or block device (read-only); undefined when unreadable or short. */
  readRange(p: string, offset: number, length: number): Promise<Buffer | undefined>;
  /** Where the host's `/` is in the real filesystem ("/" normally, a directory in the sandbox). */
  readonly root: string;
}

export function hostFs(root = '/'): HostFs {
  const real = (p: string) => (root === '/' ? p : path.join(root, p));
  return {
    root,
    async read(p) {
      try {
        return await readFile(real(p), 'utf8');
      } catch {
        return undefined;
      }
    },
    async readBytes(p) {
      try {
        return await readFile(real(p));
      } catch {
        return undefined;
      }
    },
    async list(dir) {
      try {
        return (await readdir(real(dir))).sort();
      } catch {
        return [];
      }
    },
    async link(p) {
      try {
        return await readlink(real(p));
      } catch {
        return undefined;
      }
    },
    async exists(p) {
      try {
        await access(real(p));
        return true;
      } catch {
        return false;
      }
    },
    async size(p) {
      try {
        return (await stat(real(p))).size;
      } catch {
        return undefined;
      }
    },
    async readRange(p, offset, length) {
      let handle;
      try {
        handle = await open(real(p), 'r');
        const buffer = Buffer.alloc(length);
        const { bytesRead } = await handle.read(buffer, 0, length, offset);
        return bytesRead === length ? buffer : undefined;
      } catch {
        return undefined;
      } finally {
        await handle?.close();
      }
    },
  };
}
