/** openEuler, RHEL and their relatives: rpm answers, dnf (or yum on older systems) installs. */
import { X2Error } from '../src/errors.js';
import type { RunResult, Runner } from '../src/effects/runner.js';
import { outputTail, type DistroAdapter } from './adapter.js';

const INSTALL_TIMEOUT_MS = 20 * 60_000;

/** dnf 4/5 and yum 3 wordings for "no repository carries this package". */
const NOT_FOUND = /No match for argument:?\s*kexec-tools|Unable to find a match|No package kexec-tools available/i;
const REPO_BROKEN =
  /Failed to download metadata|Cannot download repomd\.xml|Cannot find a valid baseurl|Curl error|Could not resolve host|Errors during downloading metadata/i;

const said = (r: RunResult, pattern: RegExp) => pattern.test(r.stdout) || pattern.test(r.stderr);

export function yumAdapter(tool: 'dnf' | 'yum'): DistroAdapter {
  const install = [tool, '-y', 'install', 'kexec-tools'];

  return {
    family: 'yum',
    packageTool: tool,

    async kexecToolsInstalled(runner) {
      const result = await runner.probe(['rpm', '-q', 'kexec-tools'], { allowFailure: true });
      return result.exitCode === 0;
    },

    async installKexecTools(runner: Runner, log) {
      const run = (argv: string[]) => runner.change(argv, { allowFailure: true, onLine: log, timeoutMs: INSTALL_TIMEOUT_MS });
      let result = await run(install);
      if (result.exitCode !== 0 && said(result, NOT_FOUND)) {
        // Stale metadata is the usual cause on long-running servers: refresh it once, then retry.
        log(`kexec-tools was not found in the ${tool} metadata; refreshing it with \`${tool} makecache\``);
        await run([tool, 'makecache']);
        result = await run(install);
      }
      if (result.exitCode === 0) return;
      const cause = said(result, NOT_FOUND)
        ? `no enabled repository carries kexec-tools (check \`${tool} repolist\`)`
        : said(result, REPO_BROKEN)
          ? `the package repositories are unreachable or broken (check \`${tool} repolist\` and the network or proxy)`
          : `the package manager failed`;
      throw new X2Error('packages', `could not install kexec-tools with ${tool}: ${cause}`, {
        remedy: `fix the repositories, or install kexec-tools by hand (\`${install.join(' ')}\` or from an rpm) and rerun with --skip-package-install`,
        details: [`command: ${install.join(' ')}`, `exit code: ${result.exitCode}`, ...outputTail(result.stdout, result.stderr)],
      });
    },

    installCommands() {
      return [[...install]];
    },
  };
}
