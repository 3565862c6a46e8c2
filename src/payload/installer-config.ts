/**
 * The installer's configuration file, /etc/nestos/installer.d/0000-x2nestos.yaml in the live system
 * (contract §3). Unknown keys make the installer fail, and the installer in the live system may be
 * 0.16 (NestOS 22.03) or 0.20: only keys every shipped version accepts may be written.
 */
import { stringify } from 'yaml';

/** Keys valid in nestos-installer 0.16 and 0.20 alike (contract §3). `secure-ipl` is 0.20-only. */
export const INSTALLER_KEYS = [
  'dest-device',
  'ignition-file',
  'ignition-url',
  'ignition-hash',
  'image-url',
  'image-file',
  'stream',
  'architecture',
  'platform',
  'console',
  'append-karg',
  'delete-karg',
  'copy-network',
  'network-dir',
  'save-partlabel',
  'save-partindex',
  'offline',
  'insecure',
  'insecure-ignition',
  'stream-base-url',
  'preserve-on-error',
  'fetch-retries',
] as const;

export type InstallerKey = (typeof INSTALLER_KEYS)[number];
export type InstallerConfig = Partial<Record<InstallerKey, string | boolean | number | string[]>>;

export const INSTALLER_CONFIG_PATH = '/etc/nestos/installer.d/0000-x2nestos.yaml';
export const DEST_IGNITION_PATH = '/etc/nestos/dest.ign';

export interface InstallerInputs {
  destDevice: string;
  consoles: string[];
  appendKargs: string[];
  copyNetwork: boolean;
  savePartlabel: string[];
  savePartindex: string[];
}

export function installerConfig(inputs: InstallerInputs): InstallerConfig {
  const config: InstallerConfig = {
    'dest-device': inputs.destDevice,
    'ignition-file': DEST_IGNITION_PATH,
    // Installer 0.17+ refuses to install without an image URL unless offline; 0.16 falls back to the
    // image in the live rootfs anyway. Offline keeps the install free of any network dependency.
    offline: true,
  };
  if (inputs.consoles.length > 0) config.console = inputs.consoles;
  if (inputs.appendKargs.length > 0) config['append-karg'] = inputs.appendKargs;
  if (inputs.copyNetwork) config['copy-network'] = true;
  if (inputs.savePartlabel.length > 0) config['save-partlabel'] = inputs.savePartlabel;
  if (inputs.savePartindex.length > 0) config['save-partindex'] = inputs.savePartindex;
  return config;
}

export function renderInstallerConfig(config: InstallerConfig, header: string): string {
  for (const key of Object.keys(config)) {
    if (!(INSTALLER_KEYS as readonly string[]).includes(key))
      throw new Error(`installer key ${key} is not accepted by every installer version`);
  }
  return `# ${header}\n${stringify(config)}`;
}
