/**
 * The process's view of the world, read once at start-up: environment, terminals, identity.
 * Nothing else reads process.env or isTTY; it all flows from here.
 */
import path from 'node:path';
import { hostGuard, type HostGuard } from './guard.js';

export interface Runtime {
  env: Readonly<Record<string, string | undefined>>;
  stdinIsTTY: boolean;
  stderrIsTTY: boolean;
  /** Colour and animation allowed (a TTY on stderr and no NO_COLOR). */
  fancy: boolean;
  cwd: string;
  uid: number;
  pid: number;
  /** X2NESTOS_SANDBOX: a captured host in a directory; nothing real is run or changed. */
  sandboxDir: string | undefined;
  guard: HostGuard;
  locale: string;
  /**
   * X2NESTOS_RUNTIME_DIR: the unpacked private runtime this process runs on, set by the release
   * file's launcher (src/launcher); undefined when x2nestos runs from the bundle under Node.
   */
  runtimeDir: string | undefined;
}

export function readRuntime(): Runtime {
  const env = { ...process.env };
  const stderrIsTTY = process.stderr.isTTY === true;
  const sandbox = env.X2NESTOS_SANDBOX;
  return {
    env,
    stdinIsTTY: process.stdin.isTTY === true,
    stderrIsTTY,
    fancy: stderrIsTTY && env.NO_COLOR === undefined && env.TERM !== 'dumb',
    cwd: process.cwd(),
    uid: typeof process.getuid === 'function' ? process.getuid() : -1,
    pid: process.pid,
    sandboxDir: sandbox ? path.resolve(sandbox) : undefined,
    guard: hostGuard(env),
    locale: env.LC_ALL || env.LC_MESSAGES || env.LANG || '',
    runtimeDir: env.X2NESTOS_RUNTIME_DIR ? path.resolve(env.X2NESTOS_RUNTIME_DIR) : undefined,
  };
}
