/**
 * The one place that spawns processes. Everything else receives a Runner, so tests and the
 * sandbox pass a fake instead of mocking node:child_process.
 *
 * Two verbs, on purpose:
 * - `probe` runs a command that only reads the host (lsblk, ip, rpm -q, kexec --version ...).
 * - `change` runs a command that changes the host (kexec -l/-u/-e, systemctl kexec, package
 *   installs). It goes through the host guard first, so a test process can never reach it.
 */
export interface RunOptions {
  input?: string | Buffer;
  /** Kill the whole process group after this long. */
  timeoutMs?: number;
  env?: Record<string, string>;
  /** When false (default) a non-zero exit throws a CommandError. */
  allowFailure?: boolean;
  /** Stream lines of stderr/stdout to this callback (progress of long package installs). */
  onLine?: (line: string) => void;
}

export interface RunResult {
  argv: readonly string[];
  exitCode: number;
  stdout: string;
  stderr: string;
  /** ENOENT: the program is not installed. */
  notFound: boolean;
  /** The signal that ended the process (SIGTERM, SIGKILL...), when a signal did. */
  signal?: string | undefined;
}

export interface Runner {
  probe(argv: readonly string[], options?: RunOptions): Promise<RunResult>;
  change(argv: readonly string[], options?: RunOptions): Promise<RunResult>;
  /** Is this program on PATH? */
  which(program: string): Promise<string | undefined>;
}

/** A command failed; carries the argv and stderr so every report says what ran. */
export class CommandError extends Error {
  readonly result: RunResult;
  constructor(result: RunResult) {
    const stderr = result.stderr.trim().split('\n').slice(-3).join(' | ');
    super(
      result.notFound
        ? `${result.argv[0]} is not installed`
        : `\`${result.argv.join(' ')}\` exited with ${result.exitCode}${stderr ? `: ${stderr}` : ''}`,
    );
    this.name = 'CommandError';
    this.result = result;
  }
}
