import { describe, expect, it } from 'vitest';
import { checkMemory } from '../../../src/plan/memory-check.js';
import { liveNeeds, loadNeeds, LIVE_SYSTEM_ALLOWANCE } from '../../../src/plan/memory.js';

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
// Sizes of a real NestOS 24.03 live set, roughly.
const sizes = { kernel: 12 * MiB, initramfs: 100 * MiB, rootfs: 800 * MiB, payload: 8 * 1024 };
const url = 'https://mirror.example/rootfs.img';

describe('memory arithmetic', () => {
  it('counts the rootfs twice when appended and once by URL', () => {
    expect(liveNeeds(sizes, 'append') - liveNeeds(sizes, 'url')).toBe(sizes.rootfs);
    expect(liveNeeds(sizes, 'url')).toBe(sizes.kernel + 3 * (sizes.initramfs + sizes.payload) + sizes.rootfs + LIVE_SYSTEM_ALLOWANCE);
  });
  it('doubles the segments for kexec_load, which copies them through user space', () => {
    const file = loadNeeds(sizes, 'append', 'file');
    const syscall = loadNeeds(sizes, 'append', 'syscall');
    expect(syscall - file).toBe(sizes.kernel + sizes.initramfs + sizes.payload + sizes.rootfs);
  });
});

describe('checkMemory', () => {
  it('appends the rootfs when it fits', () => {
    const r = checkMemory({ totalBytes: 4 * GiB, availableBytes: 3 * GiB }, sizes, {
      requested: 'auto',
      rootfsUrl: url,
      loadMethod: 'file',
      skip: false,
    });
    expect(r.check.rootfsMode).toBe('append');
    expect(r.blockers).toEqual([]);
  });
  it('falls back to the rootfs URL on a 2 GiB machine', () => {
    const r = checkMemory({ totalBytes: 2 * GiB, availableBytes: 1.5 * GiB }, sizes, {
      requested: 'auto',
      rootfsUrl: url,
      loadMethod: 'file',
      skip: false,
    });
    expect(r.check.rootfsMode).toBe('url');
    expect(r.check.reason).toMatch(/appended rootfs needs 2\.\d GiB but only 2\.0 GiB/);
    expect(r.blockers).toEqual([]);
  });
  it('refuses with the numbers when the rootfs is local and the appended form does not fit', () => {
    const r = checkMemory({ totalBytes: 2 * GiB, availableBytes: 1.5 * GiB }, sizes, {
      requested: 'auto',
      rootfsUrl: undefined,
      loadMethod: 'file',
      skip: false,
    });
    expect(r.blockers).toHaveLength(1);
    expect(r.blockers[0]!.kind).toBe('precondition');
    expect(r.blockers[0]!.message).toMatch(/2\.\d GiB needed with the rootfs appended, 2\.0 GiB installed/);
    expect(r.blockers[0]!.message).toMatch(/not at an http\(s\) URL/);
  });
  it('refuses on 1 GiB even by URL', () => {
    const r = checkMemory({ totalBytes: 1 * GiB, availableBytes: 0.8 * GiB }, sizes, {
      requested: 'auto',
      rootfsUrl: url,
      loadMethod: 'file',
      skip: false,
    });
    expect(r.blockers[0]!.message).toMatch(/even by URL it needs 1\.\d GiB/);
  });
  it('refuses a load the old system cannot hold', () => {
    const r = checkMemory({ totalBytes: 4 * GiB, availableBytes: 1 * GiB }, sizes, {
      requested: 'auto',
      rootfsUrl: url,
      loadMethod: 'syscall',
      skip: false,
    });
    expect(r.blockers[0]!.message).toMatch(/not enough free memory to load the live system: 1\.\d GiB needed, 1\.0 GiB available/);
  });
  it('honours --skip-memory-check with a warning, never silently', () => {
    const r = checkMemory({ totalBytes: 1 * GiB, availableBytes: 0.5 * GiB }, sizes, {
      requested: 'auto',
      rootfsUrl: url,
      loadMethod: 'file',
      skip: true,
    });
    expect(r.blockers).toEqual([]);
    expect(r.warnings).toContain('memory check skipped (--skip-memory-check)');
  });
  it('needs an http(s) rootfs for --rootfs-mode url', () => {
    const r = checkMemory({ totalBytes: 8 * GiB, availableBytes: 6 * GiB }, sizes, {
      requested: 'url',
      rootfsUrl: undefined,
      loadMethod: 'file',
      skip: false,
    });
    expect(r.blockers[0]!.kind).toBe('usage');
  });
  it('postpones the check while sizes are unknown', () => {
    const r = checkMemory({ totalBytes: 1 * GiB, availableBytes: 1 * GiB }, undefined, {
      requested: 'auto',
      rootfsUrl: url,
      loadMethod: 'file',
      skip: false,
    });
    expect(r.blockers).toEqual([]);
    expect(r.warnings[0]).toMatch(/runs again after the download/);
  });
});
