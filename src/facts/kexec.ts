/**
 * Can this kernel kexec at all, and how? Read from the kernel's build config, the runtime
 * switches (kexec_load_disabled, lockdown) and whether kexec-tools is installed, so the planner can
 * say why a switch cannot work before anything is downloaded.
 */
import { gunzipSync } from 'node:zlib';
import type { HostFs } from '../effects/hostfs.js';
import type { Runner } from '../effects/runner.js';
import type { KexecFacts } from './types.js';

export type KernelConfig = Map<string, string>;

/** `CONFIG_X=value` lines; `# CONFIG_X is not set` is recorded as "n". */
export function parseKernelConfig(text: string): KernelConfig {
  const config: KernelConfig = new Map();
  for (const line of text.split('\n')) {
    const set = /^(CONFIG_[A-Za-z0-9_]+)=(.*)$/.exec(line);
    if (set?.[1] !== undefined && set[2] !== undefined) {
      config.set(set[1], set[2]);
      continue;
    }
    const unset = /^# (CONFIG_[A-Za-z0-9_]+) is not set$/.exec(line);
    if (unset?.[1] !== undefined) config.set(unset[1], 'n');
  }
  return config;
}

/** An option absent from a complete config is off: Kconfig omits options whose dependencies fail. */
export function configEnabled(config: KernelConfig, option: string): boolean {
  const value = config.get(option);
  return value === 'y' || value === 'm';
}

export interface KernelConfigSource {
  path: string;
  config: KernelConfig;
}

export async function readKernelConfig(fs: HostFs, kernelRelease: string): Promise<KernelConfigSource | undefined> {
  if (kernelRelease !== '') {
    for (const path of [`/boot/config-${kernelRelease}`, `/lib/modules/${kernelRelease}/config`]) {
      const text = await fs.read(path);
      if (text !== undefined) return { path, config: parseKernelConfig(text) };
    }
  }
  const gz = await fs.readBytes('/proc/config.gz');
  if (gz !== undefined) {
    try {
      return { path: '/proc/config.gz', config: parseKernelConfig(gunzipSync(gz).toString('utf8')) };
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export type Lockdown = NonNullable<KexecFacts['lockdown']>;

/** "none [integrity] confidentiality": the bracketed word is the active mode. */
export function parseLockdown(text: string): Lockdown | undefined {
  const active = /\[([a-z]+)\]/.exec(text)?.[1];
  return active === 'none' || active === 'integrity' || active === 'confidentiality' ? active : undefined;
}

export interface KexecReading {
  /** Everything but secureBoot, which comes from the firmware. */
  facts: Omit<KexecFacts, 'secureBoot'>;
  /** Why a field is undefined, keyed like the KexecFacts field. */
  unknown: Partial<Record<'kernelConfig' | 'lockdown', string>>;
}

export async function readKexec(fs: HostFs, runner: Runner, kernelRelease: string): Promise<KexecReading> {
  const unknown: KexecReading['unknown'] = {};
  const source = await readKernelConfig(fs, kernelRelease);
  if (source === undefined) {
    unknown.kernelConfig = `no kernel config found (/boot/config-${kernelRelease}, /proc/config.gz)`;
  }
  const option = (name: string) => (source === undefined ? undefined : configEnabled(source.config, name));

  const lockdownText = await fs.read('/sys/kernel/security/lockdown');
  let lockdown = lockdownText === undefined ? undefined : parseLockdown(lockdownText);
  if (lockdown === undefined && source !== undefined && !configEnabled(source.config, 'CONFIG_SECURITY_LOCKDOWN_LSM')) {
    // Built without the lockdown LSM (e.g. 4.19 kernels): nothing can lock kexec down.
    lockdown = 'none';
  }
  if (lockdown === undefined) {
    unknown.lockdown =
      lockdownText === undefined
        ? '/sys/kernel/security/lockdown is not readable (securityfs not mounted?)'
        : `unrecognised /sys/kernel/security/lockdown: ${lockdownText.trim()}`;
  }

  return {
    facts: {
      kexecLoad: option('CONFIG_KEXEC'),
      kexecFileLoad: option('CONFIG_KEXEC_FILE'),
      kexecSig: option('CONFIG_KEXEC_SIG'),
      kexecSigForce: option('CONFIG_KEXEC_SIG_FORCE'),
      kernelConfig: source?.path,
      loadDisabled: (await fs.read('/proc/sys/kernel/kexec_load_disabled'))?.trim() === '1',
      lockdown,
      loaded: (await fs.read('/sys/kernel/kexec_loaded'))?.trim() === '1',
      tool: await runner.which('kexec'),
    },
    unknown,
  };
}
