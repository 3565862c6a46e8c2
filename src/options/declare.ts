/**
 * commander's option declarations, generated from the options table: each command gets the
 * entries that name it, in table order, so `--help`, the completion and the man page list them
 * in that order.
 */
import { Option, type Command } from 'commander';
import { X2Error } from '../errors.js';
import { optionEntries, type CommandName, type OptionSpec } from './table.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];
const integer = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new X2Error('usage', `"${value}" is not a whole number`, { remedy: 'pass a number of seconds' });
  return n;
};

export function commanderOption(spec: OptionSpec, command: CommandName): Option {
  const option = new Option(spec.flags, spec.helpFor?.[command] ?? spec.help);
  if (spec.choices) option.choices(spec.choices);
  if (spec.parse === 'integer') option.argParser(integer);
  if (spec.parse === 'collect') option.argParser(collect);
  return option;
}

/** `cmd` with every option the table gives `command`. */
export function declareOptions(cmd: Command, command: CommandName): Command {
  for (const [, spec] of optionEntries()) {
    if (spec.commands.includes(command)) cmd.addOption(commanderOption(spec, command));
  }
  return cmd;
}
