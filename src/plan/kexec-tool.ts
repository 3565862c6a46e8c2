/**
 * Which kexec program loads the live kernel (issue 12.3, 20.2). Pure: from what was found on the
 * host, in the release file's runtime and on the command line.
 *
 *   --kexec PATH            the one the user names, once it proved to be a working kexec
 *   the host's own          when kexec-tools is installed: it matches the running kernel's distro
 *   --kexec-from-packages   otherwise, the distribution's package, installed through the adapter
 *   carried (the default)   otherwise, Debian's kexec-tools from the release file's private
 *                           runtime: no package manager call at all, so end-of-life or offline
 *                           repositories cannot stall or break the conversion
 *
 * Every choice loads with `kexec -l` (kexec_load) where kexec_file_load is missing, as on Linux
 * 3.10; the carried kexec-tools 2.0.25 does both.
 */
import type { Blocker } from '../model/blocker.js';
import type { KexecSource, KexecTool } from './types.js';

export interface KexecToolFacts {
  /** kexec-tools installed on the host: where, and what `kexec --version` said. */
  host: { path: string; version: string | undefined } | undefined;
  /** The kexec in the private runtime of the release file (absent when running from the bundle). */
  carried: { argv: string[]; path: string; version: string } | undefined;
  /** --kexec PATH as checked: exists, and what `PATH --version` answered (undefined: it did not). */
  user: { path: string; exists: boolean; version: string | undefined } | undefined;
  /** The distribution's package manager, when there is an adapter for it. */
  packages: { tool: string; installArgv: string[][] } | undefined;
}

export interface KexecToolOptions {
  kexecFromPackages: boolean;
  skipPackageInstall: boolean;
}

export function chooseKexecTool(found: KexecToolFacts, options: KexecToolOptions): { tool: KexecTool | undefined; blockers: Blocker[] } {
  const none = (blocker: Blocker) => ({ tool: undefined, blockers: [blocker] });
  if (found.user) {
    const u = found.user;
    if (!u.exists)
      return none({
        kind: 'precondition',
        message: `--kexec ${u.path}: no such file`,
        remedy: 'name an installed kexec binary, or drop --kexec',
      });
    if (u.version === undefined) {
      return none({
        kind: 'precondition',
        message: `--kexec ${u.path} does not run as kexec (\`${u.path} --version\` failed or did not name kexec-tools)`,
        remedy: 'name an executable kexec from kexec-tools, or drop --kexec',
      });
    }
    return { tool: tool('user', [u.path], u.path, u.version, `named with --kexec; it answers "${u.version}"`), blockers: [] };
  }
  if (options.kexecFromPackages && options.skipPackageInstall) {
    return none({
      kind: 'usage',
      message: '--kexec-from-packages and --skip-package-install contradict each other',
      remedy: 'drop one of them',
    });
  }
  if (found.host) {
    // Run by name, as the host's own scripts would, from root's PATH.
    return { tool: tool('host', ['kexec'], found.host.path, found.host.version, 'kexec-tools is installed on this host'), blockers: [] };
  }
  if (options.kexecFromPackages) {
    if (!found.packages) {
      return none({
        kind: 'packages',
        message: 'kexec-tools is not installed and this host has no package manager x2nestos can use',
        remedy: 'drop --kexec-from-packages to use the kexec carried in x2nestos, or install kexec-tools yourself',
      });
    }
    return fromPackages(found.packages, `--kexec-from-packages: kexec-tools will be installed with ${found.packages.tool}`);
  }
  if (found.carried) {
    const c = found.carried;
    return {
      tool: tool(
        'carried',
        c.argv,
        c.path,
        c.version,
        "this host has no kexec-tools; the kexec carried in x2nestos needs no package manager (--kexec-from-packages installs the distribution's instead)",
      ),
      blockers: [],
    };
  }
  // Only a run from the bundle under Node lands here: the release file always carries kexec.
  if (!found.packages || options.skipPackageInstall) {
    return none({
      kind: 'packages',
      message: 'kexec-tools is not installed, and this x2nestos carries no kexec (it runs from the bundle, not from a release file)',
      remedy: 'run the release file (x2nestos-linux-<arch>), install kexec-tools, or pass --kexec PATH',
    });
  }
  return fromPackages(
    found.packages,
    `this x2nestos runs from the bundle and carries no kexec: kexec-tools will be installed with ${found.packages.tool}`,
  );
}

/** kexec-tools installed through the distribution's package manager before the load. */
function fromPackages(packages: NonNullable<KexecToolFacts['packages']>, reason: string): { tool: KexecTool; blockers: Blocker[] } {
  return { tool: { ...tool('packages', ['kexec'], undefined, undefined, reason), installArgv: packages.installArgv }, blockers: [] };
}

function tool(source: KexecSource, argv: string[], path: string | undefined, version: string | undefined, reason: string): KexecTool {
  return { source, argv, path, version, reason, installArgv: [] };
}

/** "kexec-tools 2.0.25" from `kexec --version` output; undefined when it does not look like kexec. */
export function kexecVersion(output: string): string | undefined {
  const m = /kexec-tools[ -]v?(\d+(?:\.\d+)+\S*)/i.exec(output);
  return m ? ['kexec-tools', m[1]].join(' ') : undefined;
}
