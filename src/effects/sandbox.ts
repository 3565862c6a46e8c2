/**
 * The sandbox host: a captured machine in a directory, for running the real binary end to end
 * without root and without touching this machine (X2NESTOS_SANDBOX=<dir>).
 *
 *   <dir>/root/            files the host would have (/etc/os-release, /proc/cmdline, /sys/...)
 *   <dir>/commands.json    { "programs": {"kexec": "/usr/sbin/kexec"},
 *                            "commands": [{ "argv": [...], "prefix"?: true, "stdout"?: "...",
 *                                           "stdoutFile"?: "rel/path", "stderr"?: "...",
 *                                           "exitCode"?: 0, "writes"?: {"/sys/kernel/kexec_loaded": "1\n"},
 *                                           "delayMs"?: 0 }] }
 *   <dir>/invocations.jsonl every command the tool ran, one JSON object a line (appended)
 *
 * Nothing is ever spawned: probes are answered from commands.json (unknown programs are "not
 * installed"), changes are recorded and succeed unless commands.json says otherwise.
 */
import { appendFileSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { X2Error } from '../errors.js';
import { CommandError, type RunOptions, type RunResult, type Runner } from './runner.js';

interface CannedCommand {
  argv: string[];
  prefix?: boolean;
  stdout?: string;
  stdoutFile?: string;
  stderr?: string;
  exitCode?: number;
  /** Files (host paths) the command leaves behind, written under <dir>/root. */
  writes?: Record<string, string>;
  /** How long the command takes (a slow kexec load), so tests can interrupt x2nestos while it runs. */
  delayMs?: number;
}

interface SandboxSpec {
  programs?: Record<string, string>;
  commands?: CannedCommand[];
}

export function sandboxRunner(dir: string): Runner {
  const specPath = path.join(dir, 'commands.json');
  let spec: SandboxSpec;
  try {
    spec = JSON.parse(readFileSync(specPath, 'utf8')) as SandboxSpec;
  } catch (e) {
    // A sandbox that cannot say what its host answers must not pass for a host with no programs.
    throw new X2Error(
      'precondition',
      `the sandbox host ${dir} has no readable commands.json (${e instanceof Error ? e.message : String(e)})`,
      {
        remedy: 'point X2NESTOS_SANDBOX at a copy of a directory from test/fixtures/hosts',
      },
    );
  }
  const log = (kind: string, argv: readonly string[]) =>
    appendFileSync(path.join(dir, 'invocations.jsonl'), JSON.stringify({ kind, argv }) + '\n');

  const match = (argv: readonly string[]): CannedCommand | undefined =>
    (spec.commands ?? []).find((c) =>
      c.prefix ? c.argv.every((a, i) => argv[i] === a) : c.argv.length === argv.length && c.argv.every((a, i) => argv[i] === a),
    );

  const answer = (argv: readonly string[], options: RunOptions | undefined, fallbackOk: boolean): RunResult => {
    const canned = match(argv);
    const program = argv[0] ?? '';
    const installed = spec.programs === undefined || program in spec.programs || program.startsWith('/');
    let result: RunResult;
    if (canned) {
      const stdout = canned.stdoutFile ? readFileSync(path.join(dir, canned.stdoutFile), 'utf8') : (canned.stdout ?? '');
      for (const [hostPath, contents] of Object.entries(canned.writes ?? {})) {
        const target = path.join(dir, 'root', hostPath);
        mkdirSync(path.dirname(target), { recursive: true });
        writeFileSync(target, contents);
      }
      result = { argv, exitCode: canned.exitCode ?? 0, stdout, stderr: canned.stderr ?? '', notFound: false };
    } else if (fallbackOk && installed) {
      result = { argv, exitCode: 0, stdout: '', stderr: '', notFound: false };
    } else {
      result = { argv, exitCode: 127, stdout: '', stderr: `${program}: not found`, notFound: true };
    }
    if (result.exitCode !== 0 && !options?.allowFailure) throw new CommandError(result);
    return result;
  };

  const slow = async (argv: readonly string[]) => {
    const ms = match(argv)?.delayMs ?? 0;
    if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
  };

  return {
    async probe(argv, options) {
      log('probe', argv);
      await slow(argv);
      return answer(argv, options, false);
    },
    async change(argv, options) {
      log('change', argv);
      await slow(argv);
      return answer(argv, options, true);
    },
    async which(program) {
      return spec.programs?.[program];
    },
  };
}
