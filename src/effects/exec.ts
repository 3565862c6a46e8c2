/**
 * The real Runner, on execa. Argv arrays only: no shell ever parses what we run. execa is loaded on
 * the first command, not with this module: it costs ~0.1 s of start-up that the first progress
 * line would otherwise wait for (bench/startup.mjs).
 */
import { CommandError, type RunOptions, type RunResult, type Runner } from './runner.js';
import type { HostGuard } from './guard.js';

const DEFAULT_TIMEOUT_MS = 120_000;

async function spawn(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const [file, ...args] = argv;
  if (file === undefined) throw new Error('empty argv');
  const { execa } = await import('execa');
  const child = execa(file, args, {
    input: options.input,
    env: { LC_ALL: 'C', ...options.env },
    reject: false,
    stripFinalNewline: false,
    // A new process group, so a timeout kills the grandchildren too (execa only kills the child).
    detached: true,
    lines: false,
    encoding: 'utf8',
    stdin: options.input === undefined ? 'ignore' : 'pipe',
  });
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    if (child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }, timeoutMs);
  if (options.onLine) {
    const onLine = options.onLine;
    for (const stream of [child.stdout, child.stderr]) {
      let buf = '';
      stream?.on('data', (chunk: Buffer | string) => {
        buf += chunk.toString();
        const parts = buf.split('\n');
        buf = parts.pop() ?? '';
        for (const line of parts) onLine(line);
      });
    }
  }
  const r = await child;
  clearTimeout(timer);
  const notFound = (r as { code?: string }).code === 'ENOENT';
  const result: RunResult = {
    argv,
    exitCode: timedOut ? 124 : (r.exitCode ?? (notFound ? 127 : 128)),
    stdout: typeof r.stdout === 'string' ? r.stdout : '',
    stderr: timedOut ? `timed out after ${timeoutMs} ms` : typeof r.stderr === 'string' ? r.stderr : '',
    notFound,
    ...(!timedOut && r.signal ? { signal: r.signal } : {}),
  };
  if (result.exitCode !== 0 && !options.allowFailure) throw new CommandError(result);
  return result;
}

export function execRunner(guard: HostGuard): Runner {
  return {
    probe: (argv, options) => spawn(argv, options),
    change: (argv, options) => {
      guard.assertAllowed(`run \`${argv.join(' ')}\``);
      return spawn(argv, options);
    },
    async which(program) {
      for (const dir of (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(':')) {
        const { access, constants } = await import('node:fs/promises');
        const candidate = `${dir}/${program}`;
        try {
          await access(candidate, constants.X_OK);
          return candidate;
        } catch {
          /* next */
        }
      }
      return undefined;
    },
  };
}
