import { describe, expect, it } from 'vitest';
import { parseMeminfo } from '../../../src/facts/memory.js';

describe('parseMeminfo', () => {
  it('reads MemTotal and MemAvailable as KiB', () => {
    const m = parseMeminfo(
      'MemTotal:        2014512 kB\nMemFree:          123456 kB\nMemAvailable:    1500000 kB\nHugePages_Total:       0\n',
    );
    expect(m).toEqual({ totalBytes: 2014512 * 1024, availableBytes: 1500000 * 1024 });
  });

  it('estimates availability on kernels before 3.14 (no MemAvailable)', () => {
    const m = parseMeminfo('MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 10 kB\nCached: 200 kB\nSReclaimable: 20 kB\n');
    expect(m?.availableBytes).toBe(330 * 1024);
  });

  it('never reports more available than total', () => {
    expect(parseMeminfo('MemTotal: 100 kB\nMemAvailable: 150 kB\n')?.availableBytes).toBe(100 * 1024);
  });

  it('is undefined without MemTotal', () => {
    expect(parseMeminfo('MemFree: 1 kB\n')).toBeUndefined();
    expect(parseMeminfo('')).toBeUndefined();
  });
});
