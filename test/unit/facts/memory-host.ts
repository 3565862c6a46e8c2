/** An in-memory HostFs for parser edge cases: files, symlinks and directories from literals. */
import type { HostFs } from '../../../src/effects/hostfs.js';

export function memoryFs(files: Record<string, string | Buffer>, links: Record<string, string> = {}): HostFs {
  const entries = [...Object.keys(files), ...Object.keys(links)];
  const isDir = (dir: string) => entries.some((p) => p.startsWith(dir.endsWith('/') ? dir : `${dir}/`));
  return {
    root: '/',
    async read(p) {
      const v = files[p];
      return v === undefined ? undefined : v.toString();
    },
    async readBytes(p) {
      const v = files[p];
      return v === undefined ? undefined : Buffer.from(v);
    },
    async list(dir) {
      const prefix = dir.endsWith('/') ? dir : `${dir}/`;
      return [...new Set(entries.filter((p) => p.startsWith(prefix)).map((p) => p.slice(prefix.length).split('/')[0]!))].sort();
    },
    async link(p) {
      return links[p];
    },
    async exists(p) {
      return p in files || p in links || isDir(p) || p === '/';
    },
    async size(p) {
      const v = files[p];
      return v === undefined ? undefined : Buffer.from(v).length;
    },
    async readRange(p, offset, length) {
      const v = files[p];
      const bytes = v === undefined ? undefined : Buffer.from(v).subarray(offset, offset + length);
      return bytes?.length === length ? bytes : undefined;
    },
  };
}
