// The kexec choice as tables: which program loads the live kernel (src/plan/kexec-tool.ts), and how
// it loads it (src/plan/kexec.ts): kexec_file_load (`-l -s`), kexec_load (`-l`), or one then the other.
import { describe, expect, it } from 'vitest';
import { chooseKexecTool, kexecVersion, type KexecToolFacts, type KexecToolOptions } from '../../../src/plan/kexec-tool.js';
import { chooseKexec, loadArgv } from '../../../src/plan/kexec.js';
import type { HostFacts } from '../../../src/facts/types.js';
import { hostFacts } from './host.js';

const CARRIED_ARGV = [
  '/var/cache/x2nestos/abc/lib/ld-linux-x86-64.so.2',
  '--library-path',
  '/var/cache/x2nestos/abc/lib',
  '/var/cache/x2nestos/abc/bin/kexec',
];
const CARRIED = { argv: CARRIED_ARGV, path: '/var/cache/x2nestos/abc/bin/kexec', version: 'kexec-tools 1:2.0.25-3+deb12u3' };
const HOST = { path: '/usr/sbin/kexec', version: 'kexec-tools 2.0.26' };
const USER = { path: '/opt/kexec', exists: true, version: 'kexec-tools 2.0.20' };
const YUM = { tool: 'yum', installArgv: [['yum', 'install', '-y', 'kexec-tools']] };

const CARRIED_REASON =
  "this host has no kexec-tools; the kexec carried in x2nestos needs no package manager (--kexec-from-packages installs the distribution's instead)";

interface ToolRow {
  spec: string;
  /** What was found: the host's kexec-tools, the carried one, --kexec PATH, a package manager. */
  host?: boolean;
  carried?: boolean;
  user?: Partial<typeof USER>;
  packages?: boolean;
  flags?: Partial<KexecToolOptions>;
  /** The chosen program: where it comes from, how it runs, why; or the refusal. */
  want: { source: string; argv: string[]; installArgv?: string[][]; reason: string } | { refused: string };
}

// prettier-ignore
const TOOL_ROWS: ToolRow[] = [
  { spec: "the host's own kexec-tools, when installed", host: true, carried: true, packages: true,
    want: { source: 'host', argv: ['kexec'], reason: 'kexec-tools is installed on this host' } },
  { spec: 'the carried kexec by default when the host has none, no package manager call', carried: true, packages: true,
    want: { source: 'carried', argv: CARRIED_ARGV, reason: CARRIED_REASON } },
  { spec: 'the carried kexec even on a host without a package manager', carried: true,
    want: { source: 'carried', argv: CARRIED_ARGV, reason: CARRIED_REASON } },
  { spec: "--kexec-from-packages installs the distribution's kexec-tools", carried: true, packages: true, flags: { kexecFromPackages: true },
    want: { source: 'packages', argv: ['kexec'], installArgv: YUM.installArgv, reason: '--kexec-from-packages: kexec-tools will be installed with yum' } },
  { spec: "--kexec-from-packages still takes the host's own kexec-tools first", host: true, carried: true, packages: true, flags: { kexecFromPackages: true },
    want: { source: 'host', argv: ['kexec'], reason: 'kexec-tools is installed on this host' } },
  { spec: '--kexec-from-packages without a package manager', carried: true, flags: { kexecFromPackages: true },
    want: { refused: 'kexec-tools is not installed and this host has no package manager x2nestos can use' } },
  { spec: '--kexec-from-packages with --skip-package-install', host: true, carried: true, packages: true, flags: { kexecFromPackages: true, skipPackageInstall: true },
    want: { refused: '--kexec-from-packages and --skip-package-install contradict each other' } },
  { spec: '--kexec PATH wins over everything else once it answers --version', user: {}, host: true, carried: true, packages: true,
    want: { source: 'user', argv: ['/opt/kexec'], reason: 'named with --kexec; it answers "kexec-tools 2.0.20"' } },
  { spec: '--kexec PATH that does not exist', user: { exists: false }, host: true, carried: true,
    want: { refused: '--kexec /opt/kexec: no such file' } },
  { spec: '--kexec PATH that is not kexec', user: { version: undefined }, host: true, carried: true,
    want: { refused: '--kexec /opt/kexec does not run as kexec (`/opt/kexec --version` failed or did not name kexec-tools)' } },
  { spec: 'from the bundle (nothing carried): the package manager', packages: true,
    want: { source: 'packages', argv: ['kexec'], installArgv: YUM.installArgv, reason: 'this x2nestos runs from the bundle and carries no kexec: kexec-tools will be installed with yum' } },
  { spec: 'from the bundle with --skip-package-install', packages: true, flags: { skipPackageInstall: true },
    want: { refused: 'kexec-tools is not installed, and this x2nestos carries no kexec (it runs from the bundle, not from a release file)' } },
  { spec: 'from the bundle without a package manager',
    want: { refused: 'kexec-tools is not installed, and this x2nestos carries no kexec (it runs from the bundle, not from a release file)' } },
];

function choose(row: Pick<ToolRow, 'host' | 'carried' | 'user' | 'packages' | 'flags'>) {
  const found: KexecToolFacts = {
    host: row.host ? HOST : undefined,
    carried: row.carried ? CARRIED : undefined,
    user: row.user ? { ...USER, ...row.user } : undefined,
    packages: row.packages ? YUM : undefined,
  };
  return chooseKexecTool(found, { kexecFromPackages: false, skipPackageInstall: false, ...row.flags });
}

describe('which kexec loads the live kernel', () => {
  it.each(TOOL_ROWS.map((row) => [row.spec, row] as const))('%s', (_, row) => {
    const { tool, blockers } = choose(row);
    if ('refused' in row.want) {
      expect(tool).toBeUndefined();
      expect(blockers.map((b) => b.message)).toEqual([row.want.refused]);
    } else {
      expect(blockers).toEqual([]);
      expect(tool).toMatchObject({ installArgv: [], ...row.want });
    }
  });

  it.each([
    ['kexec-tools 2.0.25\n', 'kexec-tools 2.0.25'],
    ['kexec-tools-2.0.15 released 19 Apr 2017\n', 'kexec-tools 2.0.15'],
    ['kexec-tools v2.0.28-rc1', 'kexec-tools 2.0.28-rc1'],
    ['BusyBox v1.36.1 multi-call binary', undefined],
  ])('reads the version `kexec --version` prints: %j → %s', (output, version) => {
    expect(kexecVersion(output)).toBe(version);
  });
});

interface MethodRow {
  spec: string;
  kexec: Partial<HostFacts['kexec']>;
  method: string;
  /** The flags of the first load tried: `-l -s` is kexec_file_load, `-l` alone kexec_load. */
  flags: string[];
  warning?: string;
}

const SIGNED_ONLY = 'only a NestOS kernel signed with a key this kernel trusts can be loaded; if the load is refused, disable Secure Boot';

// prettier-ignore
const METHOD_ROWS: MethodRow[] = [
  { spec: 'both system calls: kexec_file_load first, kexec_load if it is refused', kexec: {}, method: 'file-then-syscall', flags: ['-l', '-s'] },
  { spec: 'no kexec_file_load (Linux 3.10): kexec_load', kexec: { kexecFileLoad: false }, method: 'syscall', flags: ['-l'] },
  { spec: 'no kexec_load: kexec_file_load only', kexec: { kexecLoad: false }, method: 'file', flags: ['-l', '-s'] },
  { spec: 'support unknown (no kernel config): both, file first', kexec: { kexecLoad: undefined, kexecFileLoad: undefined }, method: 'file-then-syscall', flags: ['-l', '-s'] },
  { spec: 'lockdown=integrity: kexec_file_load only, signed kernels only', kexec: { lockdown: 'integrity' }, method: 'file', flags: ['-l', '-s'],
    warning: `kernel lockdown (integrity): ${SIGNED_ONLY}` },
  { spec: 'lockdown=confidentiality under Secure Boot: the same, and it says Secure Boot is on', kexec: { lockdown: 'confidentiality', secureBoot: true }, method: 'file', flags: ['-l', '-s'],
    warning: `kernel lockdown (confidentiality, Secure Boot on): ${SIGNED_ONLY}` },
  { spec: 'Secure Boot on without lockdown: both, file first', kexec: { secureBoot: true }, method: 'file-then-syscall', flags: ['-l', '-s'] },
  { spec: 'a kexec kernel already loaded: it is replaced', kexec: { loaded: true }, method: 'file-then-syscall', flags: ['-l', '-s'],
    warning: 'a kexec kernel is already loaded; it will be replaced' },
];

describe('how the live kernel is loaded', () => {
  const carried = choose({ carried: true }).tool;

  it.each(METHOD_ROWS.map((row) => [row.spec, row] as const))('%s', (_, row) => {
    const { plan, blockers, warnings } = chooseKexec(hostFacts({ kexec: { ...hostFacts().kexec, ...row.kexec } }), carried);
    expect(blockers).toEqual([]);
    expect(plan.method).toBe(row.method);
    expect(warnings).toEqual(row.warning ? [row.warning] : []);
    const first = plan.method === 'syscall' ? 'syscall' : 'file';
    expect(loadArgv(first, '/w', 'quiet', plan.toolArgv)).toEqual([
      ...CARRIED_ARGV,
      ...row.flags,
      '/w/staged/vmlinuz',
      '--initrd=/w/staged/initrd.img',
      '--command-line=quiet',
    ]);
  });
});

// systemd's shutdown runs /usr/sbin/kexec -e itself (and systemd 219 reboots through the firmware
// when that file is missing): only a kexec the host has may go through systemctl.
// prettier-ignore
const SWITCH_ROWS: { spec: string; row: Pick<ToolRow, 'host' | 'carried' | 'user' | 'packages' | 'flags'>; systemd: boolean; switchArgv: string[]; installed: boolean }[] = [
  { spec: "the host's kexec under systemd: systemctl kexec", row: { host: true }, systemd: true, switchArgv: ['systemctl', 'kexec'], installed: true },
  { spec: 'a packaged kexec under systemd: systemctl kexec, once installed', row: { packages: true }, systemd: true, switchArgv: ['systemctl', 'kexec'], installed: false },
  { spec: 'the carried kexec under systemd: the carried kexec -e itself', row: { carried: true }, systemd: true, switchArgv: [...CARRIED_ARGV, '-e'], installed: true },
  { spec: '--kexec PATH under systemd: that kexec -e itself', row: { user: {} }, systemd: true, switchArgv: ['/opt/kexec', '-e'], installed: true },
  { spec: "the host's kexec without systemd: kexec -e", row: { host: true }, systemd: false, switchArgv: ['kexec', '-e'], installed: true },
];

describe('the switch with the chosen kexec', () => {
  it.each(SWITCH_ROWS.map((r) => [r.spec, r] as const))('%s', (_, r) => {
    const { plan } = chooseKexec(hostFacts({ systemd: r.systemd }), choose(r.row).tool);
    expect(plan.switchArgv).toEqual(r.switchArgv);
    expect(plan.toolInstalled).toBe(r.installed);
  });
});
