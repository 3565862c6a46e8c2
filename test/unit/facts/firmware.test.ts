import { describe, expect, it } from 'vitest';
import { readFirmware, secureBootFromEfivarfs } from '../../../src/facts/firmware.js';
import { memoryFs } from './memory-host.js';

const GUID = '8be4df61-93ca-11d2-aa0d-00e098032b8c';
const efivar = (name: string) => `/sys/firmware/efi/efivars/${name}-${GUID}`;

describe('readFirmware', () => {
  it('is BIOS without /sys/firmware/efi (and Secure Boot is then off)', async () => {
    expect(await readFirmware(memoryFs({ '/sys/firmware/acpi/x': '' }))).toEqual({ bootMode: 'bios', secureBoot: false });
  });

  it('reads the value byte after the 4 attribute bytes', async () => {
    const on = memoryFs({ [efivar('SecureBoot')]: Buffer.from([6, 0, 0, 0, 1]) });
    const off = memoryFs({ [efivar('SecureBoot')]: Buffer.from([6, 0, 0, 0, 0]) });
    expect(await readFirmware(on)).toEqual({ bootMode: 'uefi', secureBoot: true });
    expect(await readFirmware(off)).toEqual({ bootMode: 'uefi', secureBoot: false });
  });

  it('does not mistake the attribute byte for the value', () => {
    expect(secureBootFromEfivarfs(Buffer.from([1, 0, 0, 0, 0]))).toBe(false);
    expect(secureBootFromEfivarfs(Buffer.from([6, 0, 0, 0]))).toBeUndefined();
  });

  it('falls back to the legacy sysfs efivars interface', async () => {
    const fs = memoryFs({ [`/sys/firmware/efi/vars/SecureBoot-${GUID}/data`]: Buffer.from([1]) });
    expect(await readFirmware(fs)).toEqual({ bootMode: 'uefi', secureBoot: true });
  });

  it('reports Secure Boot off when variables are readable but SecureBoot is absent', async () => {
    const fs = memoryFs({ [efivar('BootCurrent')]: Buffer.from([6, 0, 0, 0, 1, 0]) });
    expect(await readFirmware(fs)).toEqual({ bootMode: 'uefi', secureBoot: false });
  });

  it('is unknown, with a reason, when efivarfs is not mounted', async () => {
    const fw = await readFirmware(memoryFs({ '/sys/firmware/efi/fw_platform_size': '64\n' }));
    expect(fw.bootMode).toBe('uefi');
    expect(fw.secureBoot).toBeUndefined();
    expect(fw.secureBootUnknown).toMatch(/efivarfs/);
  });
});
