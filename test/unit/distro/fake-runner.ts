/**
 * A Runner that records every call and answers from a script: each scripted argv gets a queue of
 * results (the last one repeats); anything unscripted is "not installed". Options are recorded so
 * tests can assert stdin, environment and allowFailure.
 */
import { CommandError, type RunOptions, type RunResult, type Runner } from '../../../src/effects/runner.js';

export interface Canned {
  exitCode?: number;
  stdout?: string;
  stderr?: string;
  /** The signal that ended the command (exitCode is then what the exec layer reports). */
  signal?: string;
}

export interface Call {
  kind: 'probe' | 'change';
  argv: string[];
  options: RunOptions | undefined;
}

export interface FakeRunner extends Runner {
  calls: Call[];
  /** argv of every call of one kind, joined with spaces for readable assertions. */
  commands(kind?: Call['kind']): string[];
}

const key = (argv: readonly string[]) => argv.join('\u0000');

export function fakeRunner(script: [string[], Canned | Canned[]][] = [], programs: Record<string, string> = {}): FakeRunner {
  const queues = new Map(script.map(([argv, r]) => [key(argv), Array.isArray(r) ? [...r] : [r]]));
  const calls: Call[] = [];

  const answer = (kind: Call['kind'], argv: readonly string[], options: RunOptions | undefined): RunResult => {
    calls.push({ kind, argv: [...argv], options });
    const queue = queues.get(key(argv));
    let result: RunResult;
    if (queue === undefined || queue.length === 0) {
      result = { argv, exitCode: 127, stdout: '', stderr: `${argv[0]}: not found`, notFound: true };
    } else {
      const canned = queue.length > 1 ? queue.shift()! : queue[0]!;
      result = {
        argv,
        exitCode: canned.exitCode ?? 0,
        stdout: canned.stdout ?? '',
        stderr: canned.stderr ?? '',
        notFound: false,
        ...(canned.signal ? { signal: canned.signal } : {}),
      };
      for (const line of `${result.stdout}${result.stderr}`.split('\n').filter((l) => l !== '')) options?.onLine?.(line);
    }
    if (result.exitCode !== 0 && !options?.allowFailure) throw new CommandError(result);
    return result;
  };

  return {
    calls,
    commands: (kind) => calls.filter((c) => kind === undefined || c.kind === kind).map((c) => c.argv.join(' ')),
    probe: async (argv, options) => answer('probe', argv, options),
    change: async (argv, options) => answer('change', argv, options),
    which: async (program) => programs[program],
  };
}
