import { describe, expect, it } from 'vitest';
import { userKargProblems, liveKernelArgs } from '../../../src/payload/kargs.js';
import { renderInstallerConfig, installerConfig, INSTALLER_KEYS } from '../../../src/payload/installer-config.js';
import { parse } from 'yaml';

describe('live kernel arguments', () => {
  it('always lets Ignition run, keeps the host console order, and adds nothing forbidden', () => {
    const args = liveKernelArgs({ consoles: ['tty0', 'ttyS0,115200n8'], networkKargs: [], extra: [] });
    expect(args).toEqual([
      'ignition.firstboot',
      'ignition.platform.id=metal',
      'mitigations=auto,nosmt',
      'console=tty0',
      'console=ttyS0,115200n8',
    ]);
    expect(args.some((a) => /^(root|ostree|nestos\.liveiso)=/.test(a))).toBe(false);
  });
  it('adds the rootfs URL with network only in URL mode', () => {
    const args = liveKernelArgs({
      consoles: [],
      rootfsUrl: 'https://m/rootfs.img',
      networkKargs: ['rd.neednet=1', 'ip=eth0:dhcp'],
      extra: ['rd.debug'],
    });
    expect(args).toEqual([
      'ignition.firstboot',
      'ignition.platform.id=metal',
      'mitigations=auto,nosmt',
      'nestos.live.rootfs_url=https://m/rootfs.img',
      'rd.neednet=1',
      'ip=eth0:dhcp',
      'rd.debug',
    ]);
  });
  it('refuses user arguments that select another boot path', () => {
    for (const bad of ['root=/dev/sda1', 'nestos.liveiso=x', 'ostree=/x']) {
      expect(userKargProblems([bad], '--live-karg')[0]?.message).toMatch(/would make the live system boot another way/);
    }
    expect(userKargProblems(['a b'], '--append-karg')[0]?.message).toMatch(/not a single kernel argument/);
    expect(userKargProblems(['quiet', 'nosmt=force'], '--append-karg')).toEqual([]);
  });
});

describe('installer config', () => {
  it('writes only keys every installer version accepts, offline, with the stable device', () => {
    const config = installerConfig({
      destDevice: '/dev/disk/by-id/virtio-X',
      consoles: ['ttyS0,115200n8'],
      appendKargs: ['quiet'],
      copyNetwork: true,
      savePartlabel: ['data'],
      savePartindex: [],
    });
    const text = renderInstallerConfig(config, 'test');
    expect(text.startsWith('# test\n')).toBe(true);
    const back = parse(text) as Record<string, unknown>;
    expect(back).toEqual({
      'dest-device': '/dev/disk/by-id/virtio-X',
      'ignition-file': '/etc/nestos/dest.ign',
      offline: true,
      console: ['ttyS0,115200n8'],
      'append-karg': ['quiet'],
      'copy-network': true,
      'save-partlabel': ['data'],
    });
    for (const key of Object.keys(back)) expect(INSTALLER_KEYS).toContain(key);
    expect(INSTALLER_KEYS).not.toContain('secure-ipl');
  });
  it('refuses a key some installer version rejects', () => {
    expect(() => renderInstallerConfig({ 'secure-ipl': true } as never, 'x')).toThrow(/not accepted by every installer version/);
  });
});
