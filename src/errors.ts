/**
 * Every failure a user can hit is an X2Error of one kind; the kind decides the exit code.
 * The mapping lives here and only here (see README "Exit codes"): nothing else calls
 * process.exit(), and nothing else invents numbers.
 */
export const EXIT_CODES = {
  ok: 0,
  internal: 1,
  usage: 2,
  precondition: 3,
  ignition: 4,
  verification: 5,
  network: 6,
  kexec: 7,
  packages: 8,
  declined: 9,
  output: 10,
  interrupted: 130,
} as const;

export type ErrorKind = Exclude<keyof typeof EXIT_CODES, 'ok'>;

export interface X2ErrorOptions {
  /** What the user should do, naming the flag that unblocks them when there is one. */
  remedy?: string;
  /** Extra lines for the log and --json (command, stderr, numbers); never secrets. */
  details?: string[];
  cause?: unknown;
}

export class X2Error extends Error {
  readonly kind: ErrorKind;
  readonly remedy: string | undefined;
  readonly details: string[];

  constructor(kind: ErrorKind, message: string, options: X2ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'X2Error';
    this.kind = kind;
    this.remedy = options.remedy;
    this.details = options.details ?? [];
  }

  get exitCode(): number {
    return EXIT_CODES[this.kind];
  }

  /** The one line a user sees: what went wrong, then what to do. */
  oneLine(): string {
    return this.remedy ? `${this.message}: ${this.remedy}` : this.message;
  }
}

export function isX2Error(e: unknown): e is X2Error {
  return e instanceof X2Error;
}

/** Exit code for anything thrown: known kinds map through the table, the rest is internal. */
export function exitCodeOf(e: unknown): number {
  return isX2Error(e) ? e.exitCode : EXIT_CODES.internal;
}
