/**
 * Checks on the raw argument list that the parser cannot make: `--ignition --yes` would give
 * --ignition the "file" `--yes` and silently drop the --yes the user meant. An option that takes a
 * value refuses a value that is itself one of our options; `--ignition=--yes` still says it is meant.
 */
import { X2Error } from '../errors.js';

export interface FlagTable {
  /** Flags followed by a value (`--ignition`, `--work-dir`, ...). */
  takesValue: ReadonlySet<string>;
  /** Every flag any command knows, long and short. */
  known: ReadonlySet<string>;
}

export function checkOptionValues(argv: readonly string[], flags: FlagTable): void {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return;
    if (!flags.takesValue.has(arg)) continue;
    const value = argv[i + 1];
    if (value !== undefined && value.startsWith('-') && flags.known.has(value.split('=', 1)[0]!)) {
      throw new X2Error('usage', `${arg} needs a value; got the option ${value}`, {
        remedy: `put the value right after ${arg} (write ${arg}=VALUE if the value really starts with a dash)`,
      });
    }
    i++;
  }
}
