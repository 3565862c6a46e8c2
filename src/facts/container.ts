/**
 * Are we inside a container? A container shares the host's kernel: kexec from inside would
 * replace the host, or (more likely) be refused. systemd-detect-virt knows best; without it, the
 * marker files container engines leave behind.
 */
import type { HostFs } from '../effects/hostfs.js';
import type { Runner } from '../effects/runner.js';

export const DETECT_CONTAINER_ARGV = ['systemd-detect-virt', '--container'] as const;

export interface Detection {
  value: string | undefined;
  /** Set when the answer could not be determined (as opposed to "none"). */
  unknown?: string;
}

/** systemd-detect-virt prints the technology and exits 0, or prints "none" and exits 1. */
export async function detectVirt(runner: Runner, argv: readonly string[]): Promise<Detection | undefined> {
  const result = await runner.probe(argv, { allowFailure: true });
  if (result.notFound) return undefined;
  const answer = result.stdout.trim();
  if (answer === 'none' || (result.exitCode !== 0 && answer === '')) return { value: undefined };
  if (result.exitCode === 0 && answer !== '') return { value: answer };
  return { value: undefined, unknown: `\`${argv.join(' ')}\` exited with ${result.exitCode}: ${result.stderr.trim()}` };
}

/** `container=` in PID 1's environment (NUL separated): set by lxc, podman, systemd-nspawn. */
export function containerFromEnviron(environ: string): string | undefined {
  for (const entry of environ.split('\0')) {
    if (entry.startsWith('container=')) return entry.slice('container='.length) || undefined;
  }
  return undefined;
}

/** Cgroup paths of PID 1 that only exist inside containers. */
export function containerFromCgroup(cgroup: string): string | undefined {
  if (/\/docker[/-]/.test(cgroup)) return 'docker';
  if (/\/libpod-/.test(cgroup)) return 'podman';
  if (/\/lxc[./]|\/lxc\.payload/.test(cgroup)) return 'lxc';
  if (/\/kubepods/.test(cgroup)) return 'container-other';
  return undefined;
}

export async function detectContainer(runner: Runner, fs: HostFs): Promise<Detection> {
  const systemd = await detectVirt(runner, DETECT_CONTAINER_ARGV);
  if (systemd !== undefined) return systemd;
  if (await fs.exists('/run/.containerenv')) return { value: 'podman' };
  if (await fs.exists('/.dockerenv')) return { value: 'docker' };
  const environ = await fs.read('/proc/1/environ');
  const fromEnv = environ === undefined ? undefined : containerFromEnviron(environ);
  if (fromEnv !== undefined) return { value: fromEnv };
  const cgroup = await fs.read('/proc/1/cgroup');
  const fromCgroup = cgroup === undefined ? undefined : containerFromCgroup(cgroup);
  if (fromCgroup !== undefined) return { value: fromCgroup };
  if (environ === undefined && cgroup === undefined) {
    return { value: undefined, unknown: 'systemd-detect-virt is not installed and /proc/1 is not readable' };
  }
  return { value: undefined };
}
