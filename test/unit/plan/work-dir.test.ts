import { describe, expect, it } from 'vitest';
import { workDirBlockers } from '../../../src/plan/work-dir.js';
import { hostFacts } from './host.js';

const MiB = 1024 ** 2;
const sizes = { kernel: 12 * MiB, initramfs: 100 * MiB, rootfs: 800 * MiB, payload: 4096 };

describe('workDirBlockers', () => {
  it('accepts a disk-backed directory with room', () => {
    expect(workDirBlockers(hostFacts(), '/var/lib/x2nestos', sizes, false)).toEqual([]);
  });
  it('refuses tmpfs unless allowed', () => {
    const facts = hostFacts({ workDirFsType: 'tmpfs' });
    expect(workDirBlockers(facts, '/tmp/x', sizes, false)[0]!.message).toMatch(/is on tmpfs/);
    expect(workDirBlockers(facts, '/tmp/x', sizes, true)).toEqual([]);
  });
  it('refuses when the artifacts and the staged initrd do not fit, with the numbers', () => {
    const facts = hostFacts({ workDirFreeBytes: 1000 * MiB });
    expect(workDirBlockers(facts, '/var/lib/x2nestos', sizes, false)[0]!.message).toBe(
      'not enough space for /var/lib/x2nestos: 1.8 GiB needed, 1000 MiB free',
    );
  });
});
