/**
 * The built binary plans the servers of the last decade, captured with their old tools' real
 * refusals (lsblk/findmnt 2.23 reject -J, iproute before 4.14 rejects -j): facts come from /sys,
 * /proc, udev's database and plain `ip` output, so each plans as a current host would. And a second
 * disk whose filesystem is labelled `boot` (ext4, xfs, vfat) is refused before anything happens.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/plan/types.js';
import { changes, invocations, mirrorFixture, run, sandboxHost } from './harness.js';

/**
 * The warnings about the host itself. A captured host has no disk bytes to read (the failsafe's
 * fingerprint of the target) and answers only the commands its capture lists, so the failsafe's
 * own warnings are expected here; tests/cli/failsafe.test.ts covers them.
 */
const hostWarnings = (warnings: string[]) => warnings.filter((w) => !w.startsWith('the failsafe cannot'));

describe('plan on old distributions (built binary, sandboxed hosts)', () => {
  const env = mirrorFixture('old-hosts');
  const { ign } = env;

  async function plan(
    fixture: string,
    sandbox = sandboxHost(fixture),
  ): Promise<{ plan: Plan; code: number; stderr: string; sandbox: string }> {
    const r = await run(['plan', '--stream-base-url', env.server.streamBase, '--ignition', ign, '--allow-http-ignition', '--json'], {
      sandbox,
    });
    expect(r.stderr).not.toMatch(/internal error|TypeError|at .*\.js:\d+/);
    return { plan: (r.json as { plan: Plan }).plan, code: r.code, stderr: r.stderr, sandbox };
  }

  /** Never a JSON flag the old tools refuse, never anything that changes the host. */
  function usedOnlyWhatOldToolsHave(sandbox: string) {
    const argvs = invocations(sandbox).map((i) => i.argv.join(' '));
    expect(argvs.filter((a) => /^(lsblk|findmnt)\b.* -J|^ip -j/.test(a))).toEqual([]);
    expect(changes(sandbox)).toEqual([]);
  }

  it('CentOS 7.9, BIOS, static ifcfg without NetworkManager (kernel 3.10, util-linux 2.23, glibc 2.17, yum 3)', async () => {
    const { plan: p, code, sandbox } = await plan('centos-7.9-bios');
    expect(code).toBe(0);
    expect(p.host).toMatchObject({
      hostname: 'legacy-db01',
      os: 'CentOS Linux 7 (Core)',
      family: 'yum',
      arch: 'x86_64',
      bootMode: 'bios',
      kernelRelease: '3.10.0-1160.el7.x86_64',
      virtualization: 'kvm',
      lockdown: 'none',
    });
    expect(p.target).toEqual({
      device: '/dev/vda',
      installerName: '/dev/disk/by-id/virtio-c7b105f2d4a84e0e9',
      sizeBytes: 40 * 1024 ** 3,
      serial: 'c7b105f2d4a84e0e9',
      isRootDisk: true,
      kept: [],
    });
    const [eth0, ...others] = p.network.model.interfaces;
    expect(others).toEqual([]);
    expect(eth0).toMatchObject({
      name: 'eth0',
      mac: '52:54:00:c7:10:45',
      kind: 'ethernet',
      ipv4Method: 'manual',
      declaredIn: '/etc/sysconfig/network-scripts/ifcfg-eth0',
    });
    expect(eth0!.addresses).toEqual([{ family: 4, address: '203.0.113.45', prefix: 24, method: 'static' }]);
    expect(eth0!.routes).toEqual([{ family: 4, destination: 'default', gateway: '203.0.113.1' }]);
    expect(p.network.model.dns).toEqual({ servers: ['203.0.113.53', '198.51.100.53'], search: [] });
    expect(p.kexec).toMatchObject({ toolInstalled: true, switchArgv: ['systemctl', 'kexec'] });
    expect(p.blockers).toEqual([]);
    expect(hostWarnings(p.warnings)).toEqual([]);
    usedOnlyWhatOldToolsHave(sandbox);
  });

  it('CentOS 7.9, UEFI with Secure Boot off, DHCP through NetworkManager, /home on the same disk', async () => {
    const { plan: p, code, sandbox } = await plan('centos-7.9-uefi');
    expect(code).toBe(0);
    expect(p.host).toMatchObject({
      hostname: 'legacy-app02',
      family: 'yum',
      bootMode: 'uefi',
      secureBoot: false,
      kernelRelease: '3.10.0-1160.el7.x86_64',
    });
    expect(p.target).toMatchObject({
      device: '/dev/sda',
      installerName: '/dev/disk/by-id/wwn-0x50014ee2b5c4d3e1',
      model: 'WDC WD2003FZEX-00SRLA0',
      isRootDisk: true,
    });
    expect(p.network.model.interfaces).toMatchObject([
      {
        name: 'em1',
        mac: 'd4:ae:52:8c:3f:10',
        ipv4Method: 'auto',
        addresses: [{ address: '10.40.12.77', prefix: 22, method: 'dhcp' }],
        routes: [],
      },
    ]);
    expect(p.blockers).toEqual([]);
    usedOnlyWhatOldToolsHave(sandbox);
  });

  it('Amazon Linux 2 (ID=amzn, glibc 2.26) on NVMe EBS: yum family, no kexec-tools: the carried kexec', async () => {
    const { plan: p, code, sandbox } = await plan('amazon-linux-2');
    expect(code).toBe(0);
    expect(p.host).toMatchObject({ os: 'Amazon Linux 2', family: 'yum', bootMode: 'bios', kernelRelease: '5.10.205-195.807.amzn2.x86_64' });
    expect(p.target).toMatchObject({
      device: '/dev/nvme0n1',
      installerName: '/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_vol0a1b2c3d4e5f60718',
      model: 'Amazon Elastic Block Store',
      isRootDisk: true,
    });
    // No kexec-tools on the host: the kexec carried in x2nestos, with no package manager call.
    expect(p.kexec).toMatchObject({ source: 'carried', toolInstalled: true, installArgv: [] });
    expect(p.network.model.interfaces).toMatchObject([{ name: 'eth0', mtu: 9001, ipv4Method: 'auto' }]);
    expect(p.blockers).toEqual([]);
    usedOnlyWhatOldToolsHave(sandbox);
  });

  it('Ubuntu 18.04 with netplan (glibc 2.27): apt family, static address from netplan', async () => {
    const { plan: p, code, sandbox } = await plan('ubuntu-18.04');
    expect(code).toBe(0);
    expect(p.host).toMatchObject({
      os: 'Ubuntu 18.04.6 LTS',
      family: 'apt',
      bootMode: 'uefi',
      secureBoot: false,
      kernelRelease: '4.15.0-213-generic',
    });
    expect(p.target).toMatchObject({
      device: '/dev/sda',
      installerName: '/dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_drive-scsi0-0-0-0',
      isRootDisk: true,
    });
    expect(p.network.model.interfaces).toMatchObject([
      {
        name: 'ens3',
        mac: '52:54:00:18:04:23',
        ipv4Method: 'manual',
        declaredIn: '/etc/netplan/50-cloud-init.yaml',
        addresses: [{ address: '198.51.100.23', prefix: 24, method: 'static' }],
      },
    ]);
    // No kexec-tools on the host: the kexec carried in x2nestos, with no package manager call.
    expect(p.kexec).toMatchObject({ source: 'carried', toolInstalled: true, installArgv: [] });
    expect(p.blockers).toEqual([]);
    usedOnlyWhatOldToolsHave(sandbox);
  });

  it('Debian 10 (util-linux 2.33.1, iproute2 4.20): static ifupdown with an onlink gateway', async () => {
    const { plan: p, code, sandbox } = await plan('debian-10');
    expect(code).toBe(0);
    expect(p.host).toMatchObject({ os: 'Debian GNU/Linux 10 (buster)', family: 'apt', bootMode: 'bios', kernelRelease: '4.19.0-27-amd64' });
    expect(p.target).toMatchObject({ device: '/dev/vda', installerName: '/dev/disk/by-id/virtio-buster-root-0001', isRootDisk: true });
    expect(p.network.model.interfaces).toMatchObject([
      {
        name: 'ens4',
        ipv4Method: 'manual',
        declaredIn: '/etc/network/interfaces',
        addresses: [{ address: '192.0.2.110', prefix: 24, method: 'static' }],
        routes: [{ destination: 'default', gateway: '192.0.2.254' }],
      },
    ]);
    expect(p.blockers).toEqual([]);
    usedOnlyWhatOldToolsHave(sandbox);
  });

  describe('a second disk labelled boot is refused, naming the device, the label and the fix (exit 3)', () => {
    /** The openEuler host's data disk vdb carries an old /boot filesystem instead (udev's probe of it). */
    function withOldBoot(fsType: string): string {
      const sandbox = sandboxHost('openeuler-22.03-lts-sp3');
      const udev = path.join(sandbox, 'root/run/udev/data/b253:16');
      const props = readFileSync(udev, 'utf8').replace(/^E:ID_FS_(TYPE|LABEL|LABEL_ENC)=.*\n/gm, '');
      writeFileSync(udev, `${props}E:ID_FS_TYPE=${fsType}\nE:ID_FS_LABEL=boot\nE:ID_FS_LABEL_ENC=boot\n`);
      // Not mounted: an old disk left in the machine.
      const info = path.join(sandbox, 'root/proc/self/mountinfo');
      writeFileSync(info, readFileSync(info, 'utf8').replace(/^.* 253:16 .*\n/m, ''));
      return sandbox;
    }

    it.each([
      ['ext4', 'e2label /dev/vdb <new-label>'],
      ['xfs', 'xfs_admin -L <new-label> /dev/vdb (unmounted)'],
      ['vfat', 'fatlabel /dev/vdb <NEW-LABEL>'],
    ])('%s', async (fsType, fix) => {
      const { plan: p, code, stderr, sandbox } = await plan('openeuler-22.03-lts-sp3', withOldBoot(fsType));
      expect(code).toBe(3);
      expect(p.blockers).toEqual([
        {
          kind: 'precondition',
          message: `/dev/vdb (${fsType} on /dev/vdb) is labelled "boot", the label NestOS finds its own boot filesystem by: the converted server would stop at its first boot`,
          remedy: `rename it (${fix}) and run again, or convert that disk instead (--disk /dev/vdb)`,
        },
      ]);
      expect(stderr).toMatch(/x2nestos: error: .*\/dev\/vdb .* is labelled "boot"/);
      expect(changes(sandbox)).toEqual([]);
    });

    it('and planned once relabelled', async () => {
      const sandbox = withOldBoot('ext4');
      const udev = path.join(sandbox, 'root/run/udev/data/b253:16');
      writeFileSync(udev, readFileSync(udev, 'utf8').replace(/=boot$/gm, '=oldboot'));
      const { plan: p, code } = await plan('openeuler-22.03-lts-sp3', sandbox);
      expect([code, p.blockers]).toEqual([0, []]);
    });
  });
});
