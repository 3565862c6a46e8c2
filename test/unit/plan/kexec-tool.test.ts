import { describe, expect, it } from 'vitest';
import { chooseKexecTool, kexecVersion, type KexecToolFacts } from '../../../src/plan/kexec-tool.js';
import { chooseKexec, loadArgv } from '../../../src/plan/kexec.js';
import { hostFacts } from './host.js';

const CARRIED_ARGV = [
  '/var/cache/x2nestos/abc/lib/ld-linux-x86-64.so.2',
  '--library-path',
  '/var/cache/x2nestos/abc/lib',
  '/var/cache/x2nestos/abc/bin/kexec',
];
const carried = { argv: CARRIED_ARGV, path: '/var/cache/x2nestos/abc/bin/kexec', version: 'kexec-tools 1:2.0.25-3+deb12u3' };
const packages = { tool: 'yum', installArgv: [['yum', 'install', '-y', 'kexec-tools']] };
const found = (over: Partial<KexecToolFacts>): KexecToolFacts => ({ host: undefined, carried, user: undefined, packages, ...over });
const defaults = { kexecFromPackages: false, skipPackageInstall: false };

describe('which kexec loads the live kernel', () => {
  it("uses the host's own kexec-tools when installed", () => {
    const { tool, blockers } = chooseKexecTool(found({ host: { path: '/usr/sbin/kexec', version: 'kexec-tools 2.0.26' } }), defaults);
    expect(blockers).toEqual([]);
    expect(tool).toMatchObject({
      source: 'host',
      argv: ['kexec'],
      path: '/usr/sbin/kexec',
      version: 'kexec-tools 2.0.26',
      installArgv: [],
    });
  });

  it('uses the carried kexec by default when the host has none, with no package manager call', () => {
    const { tool, blockers } = chooseKexecTool(found({}), defaults);
    expect(blockers).toEqual([]);
    expect(tool).toMatchObject({ source: 'carried', argv: CARRIED_ARGV, version: 'kexec-tools 1:2.0.25-3+deb12u3', installArgv: [] });
    expect(tool?.reason).toMatch(/no kexec-tools.*--kexec-from-packages/);
  });

  it('installs the distribution package with --kexec-from-packages, and only when the host has none', () => {
    expect(chooseKexecTool(found({}), { ...defaults, kexecFromPackages: true }).tool).toMatchObject({
      source: 'packages',
      argv: ['kexec'],
      installArgv: packages.installArgv,
    });
    expect(
      chooseKexecTool(found({ host: { path: '/sbin/kexec', version: undefined } }), { ...defaults, kexecFromPackages: true }).tool?.source,
    ).toBe('host');
  });

  it('refuses --kexec-from-packages without a package manager, and together with --skip-package-install', () => {
    expect(chooseKexecTool(found({ packages: undefined }), { ...defaults, kexecFromPackages: true }).blockers[0]).toMatchObject({
      kind: 'packages',
    });
    expect(chooseKexecTool(found({}), { kexecFromPackages: true, skipPackageInstall: true }).blockers[0]).toMatchObject({ kind: 'usage' });
  });

  it('uses --kexec PATH once it exists and answers --version, whatever else there is', () => {
    const user = { path: '/opt/kexec', exists: true, version: 'kexec-tools 2.0.20' };
    expect(chooseKexecTool(found({ user, host: { path: '/usr/sbin/kexec', version: undefined } }), defaults).tool).toMatchObject({
      source: 'user',
      argv: ['/opt/kexec'],
      version: 'kexec-tools 2.0.20',
    });
    expect(chooseKexecTool(found({ user: { ...user, exists: false } }), defaults).blockers[0]?.message).toBe(
      '--kexec /opt/kexec: no such file',
    );
    expect(chooseKexecTool(found({ user: { ...user, version: undefined } }), defaults).blockers[0]?.message).toMatch(
      /does not run as kexec/,
    );
  });

  it('without the release file runtime, falls back to the package manager, unless told never to call it', () => {
    expect(chooseKexecTool(found({ carried: undefined }), defaults).tool?.source).toBe('packages');
    const refused = chooseKexecTool(found({ carried: undefined }), { ...defaults, skipPackageInstall: true });
    expect(refused.tool).toBeUndefined();
    expect(refused.blockers[0]).toMatchObject({ kind: 'packages' });
  });

  it('reads the version kexec prints', () => {
    expect(kexecVersion('kexec-tools 2.0.25\n')).toBe('kexec-tools 2.0.25');
    expect(kexecVersion('kexec-tools-2.0.15 released 19 Apr 2017\n')).toBe('kexec-tools 2.0.15');
    expect(kexecVersion('BusyBox v1.36.1 multi-call binary')).toBeUndefined();
  });
});

describe('the load and the switch with the chosen kexec', () => {
  const tool = chooseKexecTool(found({}), defaults).tool;

  it('runs the carried kexec through its own loader, with kexec_load where the kernel lacks kexec_file_load (Linux 3.10)', () => {
    const facts = hostFacts({ kexec: { ...hostFacts().kexec, kexecLoad: true, kexecFileLoad: false } });
    const { plan } = chooseKexec(facts, tool);
    expect(plan.method).toBe('syscall');
    expect(loadArgv('syscall', '/w', 'quiet', plan.toolArgv)).toEqual([
      ...CARRIED_ARGV,
      '-l',
      '/w/staged/vmlinuz',
      '--initrd=/w/staged/initrd.img',
      '--command-line=quiet',
    ]);
    expect(plan).toMatchObject({ source: 'carried', toolInstalled: true, installArgv: [] });
  });

  it('switches with the carried kexec itself: systemd would look for /usr/sbin/kexec (and systemd 219 reboots without it)', () => {
    expect(chooseKexec(hostFacts({ systemd: true }), tool).plan.switchArgv).toEqual([...CARRIED_ARGV, '-e']);
    const host = chooseKexecTool(found({ host: { path: '/usr/sbin/kexec', version: undefined } }), defaults).tool;
    expect(chooseKexec(hostFacts({ systemd: true }), host).plan.switchArgv).toEqual(['systemctl', 'kexec']);
  });
});
