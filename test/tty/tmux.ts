/**
 * The built binary in a real terminal: a private tmux server (its own socket, so nothing else's
 * sessions are touched), one pane running the program, keys sent with `send-keys`, the screen read
 * with `capture-pane`. Waits poll the screen for what is expected, with a deadline: no fixed sleeps.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

let serial = 0;

export interface TerminalOptions {
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  columns?: number;
  rows?: number;
}

export class Terminal {
  private constructor(
    private readonly socket: string,
    private readonly dir: string,
  ) {}

  private get statusFile(): string {
    return path.join(this.dir, 'status');
  }

  /** Starts `argv` in a fresh terminal with exactly `env` (plus PATH and HOME). */
  static start(opts: TerminalOptions): Terminal {
    const dir = mkdtempSync(path.join(tmpdir(), 'x2nestos-tty-'));
    const socket = `x2nestos-test-${process.pid}-${serial++}`;
    const t = new Terminal(socket, dir);
    const script = path.join(dir, 'run.sh');
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', TERM: 'screen-256color', ...opts.env };
    // The shell stays to record the exit status: tmux's own #{pane_dead_status} is sometimes left
    // empty when the pane's terminal closes before the process is reaped.
    writeFileSync(
      script,
      `#!/bin/sh\ncd ${quote(opts.cwd)} || exit 99\nenv -i ${Object.entries(env)
        .map(([k, v]) => quote(`${k}=${v}`))
        .join(' ')} ${opts.argv.map(quote).join(' ')}\necho $? > ${quote(t.statusFile)}\n`,
    );
    chmodSync(script, 0o755);
    // An idle pane first, so remain-on-exit is set before the program can possibly end.
    t.tmux('new-session', '-d', '-s', 'main', '-x', String(opts.columns ?? 120), '-y', String(opts.rows ?? 50), 'cat');
    t.tmux('set-option', '-t', 'main', 'remain-on-exit', 'on');
    t.tmux('set-option', '-t', 'main', 'history-limit', '5000');
    t.tmux('respawn-pane', '-k', '-t', 'main', script);
    return t;
  }

  private tmux(...args: string[]): string {
    const r = spawnSync('tmux', ['-u', '-L', this.socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`tmux ${args[0]} failed: ${r.stderr}`);
    return r.stdout;
  }

  /** Everything the pane has shown, scrollback included, wrapped lines joined. */
  screen(): string {
    return this.tmux('capture-pane', '-p', '-J', '-S', '-', '-E', '-', '-t', 'main')
      .split('\n')
      .map((l) => l.trimEnd())
      .join('\n')
      .trimEnd();
  }

  /** What is visible now (the last screenful). */
  visible(): string {
    return this.tmux('capture-pane', '-p', '-J', '-t', 'main').trimEnd();
  }

  /** Keys by tmux name: Enter, Down, Up, C-c, Tab ... */
  keys(...names: string[]): void {
    this.tmux('send-keys', '-t', 'main', ...names);
  }

  type(text: string): void {
    this.tmux('send-keys', '-t', 'main', '-l', '--', text);
  }

  /** The program's exit status once it has ended (128 + N when killed by signal N, as sh reports it). */
  exitCode(): number | undefined {
    if (!existsSync(this.statusFile)) return undefined;
    const text = readFileSync(this.statusFile, 'utf8');
    return text.endsWith('\n') ? Number(text.trim()) : undefined;
  }

  /** Waits until the screen shows `what` (after `from` characters of it, when given). */
  async waitFor(what: string | RegExp, timeoutMs = 20_000, from = 0): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = this.screen();
      const rest = screen.slice(from);
      // inquirer breaks its long lines itself, at the terminal's width: look across those breaks too.
      if (typeof what === 'string' ? rest.includes(what) || rest.replace(/\n/g, '').includes(what) : what.test(rest)) return screen;
      if (this.exitCode() !== undefined || Date.now() > deadline) {
        throw new Error(
          `the terminal never showed ${String(what)}${this.exitCode() !== undefined ? ` (the program exited with ${this.exitCode()})` : ''}; it shows:\n${screen}`,
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async waitExit(timeoutMs = 20_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const code = this.exitCode();
      if (code !== undefined) return code;
      if (Date.now() > deadline) {
        const state = this.tmux(
          'display-message',
          '-p',
          '-t',
          'main',
          'dead=#{pane_dead} status=#{pane_dead_status} signal=#{pane_dead_signal} pid=#{pane_pid}',
        ).trim();
        throw new Error(`the program did not exit (${state}); the terminal shows:\n${this.screen()}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  close(): void {
    spawnSync('tmux', ['-L', this.socket, 'kill-server']);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
