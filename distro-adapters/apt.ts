/**
 * Debian, Ubuntu and their relatives. kexec-tools' maintainer scripts ask (through debconf)
 * whether kexec should take over every later reboot and default to yes on Debian: preseed "no",
 * so merely installing the tool leaves the host's reboots as they were.
 */
import { X2Error } from '../src/errors.js';
import type { RunResult, Runner } from '../src/effects/runner.js';
import { outputTail, type DistroAdapter } from './adapter.js';

const INSTALL_TIMEOUT_MS = 20 * 60_000;

export const DEBCONF_PRESEED = 'kexec-tools kexec-tools/load_kexec boolean false\n';
const PRESEED = ['debconf-set-selections'];
const INSTALL = ['apt-get', 'install', '-y', '--no-install-recommends', 'kexec-tools'];
const UPDATE = ['apt-get', 'update'];
/** No prompts; needrestart only lists services instead of restarting (or asking about) sshd. */
const INSTALL_ENV = { DEBIAN_FRONTEND: 'noninteractive', NEEDRESTART_MODE: 'l' };

const NOT_FOUND = /Unable to locate package kexec-tools|Package '?kexec-tools'? has no installation candidate/i;
const LOCKED = /Could not get lock|Unable to acquire the dpkg frontend lock|Unable to lock the administration directory/i;
const INTERRUPTED = /dpkg was interrupted/i;
const REPO_BROKEN = /Failed to fetch|Temporary failure resolving|Could not resolve|Release file .* is not valid|NO_PUBKEY/i;

const said = (r: RunResult, pattern: RegExp) => pattern.test(r.stdout) || pattern.test(r.stderr);

/** `${Status}` is "want flag status", e.g. "install ok installed" or "deinstall ok config-files". */
export function statusInstalled(status: string): boolean {
  return status.trim().split(/\s+/)[2] === 'installed';
}

export function aptAdapter(): DistroAdapter {
  return {
    family: 'apt',
    packageTool: 'apt-get',

    async kexecToolsInstalled(runner) {
      const result = await runner.probe(['dpkg-query', '-W', '-f=${Status}', 'kexec-tools'], { allowFailure: true });
      return result.exitCode === 0 && statusInstalled(result.stdout);
    },

    async installKexecTools(runner: Runner, log) {
      const preseed = await runner.change(PRESEED, { input: DEBCONF_PRESEED, allowFailure: true });
      if (preseed.exitCode !== 0) {
        throw new X2Error('packages', 'could not preseed debconf before installing kexec-tools', {
          remedy:
            'install kexec-tools by hand, answering "no" to "Should kexec-tools handle reboots?", and rerun with --skip-package-install',
          details: [`command: ${PRESEED.join(' ')}`, ...outputTail(preseed.stdout, preseed.stderr)],
        });
      }
      const run = (argv: string[]) =>
        runner.change(argv, { allowFailure: true, onLine: log, env: INSTALL_ENV, timeoutMs: INSTALL_TIMEOUT_MS });
      let result = await run(INSTALL);
      if (result.exitCode !== 0 && said(result, NOT_FOUND)) {
        // The package lists are missing or stale (cloud images ship without them): fetch them once.
        log('kexec-tools is not in the package lists; running `apt-get update`');
        await run(UPDATE);
        result = await run(INSTALL);
      }
      if (result.exitCode === 0) return;
      const [cause, fix] = said(result, LOCKED)
        ? ['another package manager holds the dpkg lock (unattended-upgrades?)', 'wait for it to finish and rerun']
        : said(result, INTERRUPTED)
          ? ['an earlier dpkg run was interrupted', 'run `dpkg --configure -a` and rerun']
          : said(result, NOT_FOUND)
            ? ['no configured repository carries kexec-tools, even after `apt-get update`', 'fix /etc/apt/sources.list']
            : said(result, REPO_BROKEN)
              ? ['the package repositories are unreachable or broken', 'fix the network, proxy or /etc/apt/sources.list']
              : ['apt-get failed', 'read the output below'];
      throw new X2Error('packages', `could not install kexec-tools with apt-get: ${cause}`, {
        remedy: `${fix}, or install kexec-tools by hand and rerun with --skip-package-install`,
        details: [`command: ${INSTALL.join(' ')}`, `exit code: ${result.exitCode}`, ...outputTail(result.stdout, result.stderr)],
      });
    },

    installCommands() {
      return [[...PRESEED], [...INSTALL]];
    },
  };
}
