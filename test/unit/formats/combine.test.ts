import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isX2Error } from '../../../src/errors.js';
import { combineInitrd } from '../../../src/stage/combine.js';
import { run, scratchDir } from './tools.js';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

function scratch(): string {
  const { dir, cleanup } = scratchDir('combine');
  cleanups.push(cleanup);
  return dir;
}

describe('combineInitrd', () => {
  it('concatenates parts byte for byte, zero-padding each to a 4-byte boundary', async () => {
    const dir = scratch();
    const a = Buffer.from('initramfs-odd'); // 13 bytes → 3 zeros
    const b = Buffer.from('rootfs!!'); // 8 bytes → no padding
    const c = Buffer.from('payload-x'); // 9 bytes → 3 zeros
    writeFileSync(path.join(dir, 'a'), a);
    writeFileSync(path.join(dir, 'b'), b);
    const out = path.join(dir, 'combined.img');

    const result = await combineInitrd([{ path: path.join(dir, 'a') }, { path: path.join(dir, 'b') }, { data: c }], out);

    const expected = Buffer.concat([a, Buffer.alloc(3), b, c, Buffer.alloc(3)]);
    expect(readFileSync(out).equals(expected)).toBe(true);
    expect(result).toEqual({ path: out, sizeBytes: expected.length, sha256: createHash('sha256').update(expected).digest('hex') });
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(existsSync(`${out}.part`)).toBe(false);
  });

  it('streams multi-hundred-MiB parts with flat memory and the sha256 that sha256sum computes', async () => {
    const dir = scratch();
    // A sparse 300 MiB "rootfs" with data at both ends and an odd size, and a generated 40 MiB "initramfs".
    const rootfs = path.join(dir, 'rootfs.img');
    writeFileSync(rootfs, 'head');
    truncateSync(rootfs, 300 * 1024 * 1024 + 5);
    const fd = openSync(rootfs, 'r+');
    writeSync(fd, Buffer.from('tail!'), 0, 5, 300 * 1024 * 1024);
    closeSync(fd);
    const initramfs = path.join(dir, 'initramfs.img');
    const block = Buffer.alloc(1 << 20);
    const fd2 = openSync(initramfs, 'w');
    for (let i = 0; i < 40; i++) {
      block.fill(i);
      writeSync(fd2, block);
    }
    closeSync(fd2);

    const out = path.join(dir, 'combined.img');
    const base = process.memoryUsage().rss;
    let peak = base;
    let calls = 0;
    let last: [number, number] = [0, 0];
    const result = await combineInitrd([{ path: initramfs }, { path: rootfs }, { data: Buffer.from('xyz') }], out, {
      onProgress: (done, total) => {
        calls++;
        last = [done, total];
        peak = Math.max(peak, process.memoryUsage().rss);
      },
    });

    const size = 40 * (1 << 20) + (300 * (1 << 20) + 5) + 3 + 4;
    expect(result.sizeBytes).toBe(size);
    expect(statSync(out).size).toBe(size);
    expect(last).toEqual([size, size]);
    expect(calls).toBeGreaterThan(100);
    expect(peak - base).toBeLessThan(64 * 1024 * 1024);
    expect(run('sha256sum', [out]).toString().split(' ')[0]).toBe(result.sha256);

    // Padding sits exactly where the kernel expects the next archive to start.
    const fdOut = openSync(out, 'r');
    const probe = Buffer.alloc(16);
    const rootfsEnd = 40 * (1 << 20) + 300 * (1 << 20) + 5;
    const n = readSync(fdOut, probe, 0, 16, rootfsEnd - 5);
    closeSync(fdOut);
    expect(probe.subarray(0, n).toString('latin1')).toBe('tail!\0\0\0xyz\0');
  });

  it('removes the .part file and throws an interrupted X2Error when aborted', async () => {
    const dir = scratch();
    const big = path.join(dir, 'big');
    writeFileSync(big, '');
    truncateSync(big, 64 * 1024 * 1024);
    const out = path.join(dir, 'combined.img');
    const controller = new AbortController();
    let partSeen = false;
    const promise = combineInitrd([{ path: big }], out, {
      signal: controller.signal,
      onProgress: (done) => {
        if (done >= 8 * 1024 * 1024 && !controller.signal.aborted) {
          partSeen = existsSync(`${out}.part`);
          controller.abort();
        }
      },
    });
    await expect(promise).rejects.toMatchObject({ kind: 'interrupted' });
    expect(partSeen).toBe(true);
    expect(existsSync(`${out}.part`)).toBe(false);
    expect(existsSync(out)).toBe(false);
  });

  it('names the missing part and leaves nothing behind', async () => {
    const dir = scratch();
    const out = path.join(dir, 'combined.img');
    const error = await combineInitrd([{ data: Buffer.from('x') }, { path: path.join(dir, 'nope.img') }], out).catch((e: unknown) => e);
    expect(isX2Error(error)).toBe(true);
    expect((error as Error).message).toContain('nope.img');
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.part`)).toBe(false);
  });

  it('replaces a stale .part and an older result', async () => {
    const dir = scratch();
    const out = path.join(dir, 'combined.img');
    writeFileSync(`${out}.part`, 'stale partial data that is longer');
    writeFileSync(out, 'old');
    await combineInitrd([{ data: Buffer.from('new!') }], out);
    expect(readFileSync(out, 'utf8')).toBe('new!');
    expect(existsSync(`${out}.part`)).toBe(false);
  });
});
