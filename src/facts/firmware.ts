/**
 * How the machine booted. The kernel creates /sys/firmware/efi only when started by UEFI firmware;
 * the SecureBoot variable tells whether signature checks are on (and thus lockdown likely).
 */
import type { HostFs } from '../effects/hostfs.js';

const EFI_GLOBAL_GUID = '8be4df61-93ca-11d2-aa0d-00e098032b8c';
/** efivarfs: 4 bytes of attributes, then the value. */
const EFIVARFS_SECURE_BOOT = `/sys/firmware/efi/efivars/SecureBoot-${EFI_GLOBAL_GUID}`;
/** The older sysfs efivars interface (kernels without efivarfs mounted): the value alone. */
const SYSFS_SECURE_BOOT = `/sys/firmware/efi/vars/SecureBoot-${EFI_GLOBAL_GUID}/data`;

export interface Firmware {
  bootMode: 'uefi' | 'bios';
  secureBoot: boolean | undefined;
  /** Why secureBoot is undefined. */
  secureBootUnknown?: string;
}

export function secureBootFromEfivarfs(bytes: Buffer): boolean | undefined {
  const value = bytes[4];
  return value === undefined ? undefined : value === 1;
}

export async function readFirmware(fs: HostFs): Promise<Firmware> {
  if (!(await fs.exists('/sys/firmware/efi'))) return { bootMode: 'bios', secureBoot: false };
  const efivar = await fs.readBytes(EFIVARFS_SECURE_BOOT);
  if (efivar !== undefined) {
    const secureBoot = secureBootFromEfivarfs(efivar);
    if (secureBoot !== undefined) return { bootMode: 'uefi', secureBoot };
  }
  const legacy = await fs.readBytes(SYSFS_SECURE_BOOT);
  if (legacy?.[0] !== undefined) return { bootMode: 'uefi', secureBoot: legacy[0] === 1 };
  // Variables are readable but SecureBoot is not among them: the firmware does not implement it.
  if ((await fs.list('/sys/firmware/efi/efivars')).length > 0) return { bootMode: 'uefi', secureBoot: false };
  return {
    bootMode: 'uefi',
    secureBoot: undefined,
    secureBootUnknown: 'the EFI variables are not readable (is efivarfs mounted on /sys/firmware/efi/efivars?)',
  };
}
