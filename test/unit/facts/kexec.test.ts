import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { configEnabled, parseKernelConfig, parseLockdown, readKernelConfig, readKexec } from '../../../src/facts/kexec.js';
import { fakeRunner } from '../distro/fake-runner.js';
import { memoryFs } from './memory-host.js';

const CONFIG =
  'CONFIG_KEXEC=y\n# CONFIG_KEXEC_FILE is not set\nCONFIG_KEXEC_SIG=m\nCONFIG_SECURITY_LOCKDOWN_LSM=y\nCONFIG_LOCALVERSION=""\n';

describe('kernel config', () => {
  it('reads =y and =m as on, "is not set" and absence as off', () => {
    const c = parseKernelConfig(CONFIG);
    expect(configEnabled(c, 'CONFIG_KEXEC')).toBe(true);
    expect(configEnabled(c, 'CONFIG_KEXEC_SIG')).toBe(true);
    expect(configEnabled(c, 'CONFIG_KEXEC_FILE')).toBe(false);
    expect(c.get('CONFIG_KEXEC_FILE')).toBe('n');
    expect(configEnabled(c, 'CONFIG_KEXEC_SIG_FORCE')).toBe(false);
    expect(c.get('CONFIG_LOCALVERSION')).toBe('""');
  });

  it('prefers /boot/config-<release> over /proc/config.gz', async () => {
    const fs = memoryFs({ '/boot/config-6.1.0': 'CONFIG_KEXEC=y\n', '/proc/config.gz': gzipSync('# CONFIG_KEXEC is not set\n') });
    const src = await readKernelConfig(fs, '6.1.0');
    expect(src?.path).toBe('/boot/config-6.1.0');
    expect(configEnabled(src!.config, 'CONFIG_KEXEC')).toBe(true);
  });

  it('gunzips /proc/config.gz when /boot has no config for the running release', async () => {
    const fs = memoryFs({
      '/boot/config-6.1.0-56-amd64': 'CONFIG_KEXEC=y\n',
      '/proc/config.gz': gzipSync('# CONFIG_KEXEC is not set\nCONFIG_KEXEC_FILE=y\n'),
    });
    const src = await readKernelConfig(fs, '6.18.44');
    expect(src?.path).toBe('/proc/config.gz');
    expect(configEnabled(src!.config, 'CONFIG_KEXEC')).toBe(false);
    expect(configEnabled(src!.config, 'CONFIG_KEXEC_FILE')).toBe(true);
  });

  it('gives up quietly on a corrupt /proc/config.gz', async () => {
    expect(await readKernelConfig(memoryFs({ '/proc/config.gz': 'not gzip' }), '6.1')).toBeUndefined();
  });
});

describe('parseLockdown', () => {
  it('returns the bracketed mode', () => {
    expect(parseLockdown('[none] integrity confidentiality\n')).toBe('none');
    expect(parseLockdown('none [integrity] confidentiality\n')).toBe('integrity');
    expect(parseLockdown('none integrity [confidentiality]')).toBe('confidentiality');
  });

  it('is undefined for anything else', () => {
    expect(parseLockdown('none integrity confidentiality')).toBeUndefined();
    expect(parseLockdown('[bogus] none')).toBeUndefined();
  });
});

describe('readKexec', () => {
  it('combines config, runtime switches and the installed tool', async () => {
    const fs = memoryFs({
      '/boot/config-5.14': CONFIG,
      '/proc/sys/kernel/kexec_load_disabled': '1\n',
      '/sys/kernel/kexec_loaded': '1\n',
      '/sys/kernel/security/lockdown': 'none [integrity] confidentiality\n',
    });
    const r = await readKexec(fs, fakeRunner([], { kexec: '/usr/sbin/kexec' }), '5.14');
    expect(r.facts).toEqual({
      kexecLoad: true,
      kexecFileLoad: false,
      kexecSig: true,
      kexecSigForce: false,
      kernelConfig: '/boot/config-5.14',
      loadDisabled: true,
      lockdown: 'integrity',
      loaded: true,
      tool: '/usr/sbin/kexec',
    });
    expect(r.unknown).toEqual({});
  });

  it('reports lockdown none when the kernel has no lockdown LSM (4.19)', async () => {
    const r = await readKexec(memoryFs({ '/boot/config-4.19': 'CONFIG_KEXEC=y\n' }), fakeRunner(), '4.19');
    expect(r.facts.lockdown).toBe('none');
    expect(r.facts.kexecFileLoad).toBe(false);
    expect(r.facts.tool).toBeUndefined();
  });

  it('keeps reasons when config and lockdown cannot be read', async () => {
    const r = await readKexec(memoryFs({}), fakeRunner(), '6.8.0');
    expect(r.facts.kexecLoad).toBeUndefined();
    expect(r.facts.kexecFileLoad).toBeUndefined();
    expect(r.facts.lockdown).toBeUndefined();
    expect(r.facts.loadDisabled).toBe(false);
    expect(r.unknown.kernelConfig).toMatch(/config-6\.8\.0/);
    expect(r.unknown.lockdown).toMatch(/securityfs/);
  });
});
