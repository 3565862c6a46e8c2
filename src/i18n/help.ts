/**
 * `--help` in the reader's language, with examples for every command. The program is declared in
 * English in src/cli.ts; this walks it once before parsing and puts each description, each section
 * title and commander's own words through the catalog.
 */
import { Help, type Command } from 'commander';
import type { Translator } from './translate.js';

/** [command line, what it does], per command. */
export function examples({ t }: Translator): Record<string, [string, string][]> {
  return {
    x2nestos: [
      ['sudo x2nestos', t('on a terminal: answer a few questions (guided mode)')],
      ['sudo x2nestos --ignition https://example.com/node.ign', t('convert with this Ignition config, everything else from this host')],
      ['sudo x2nestos plan --ignition ./node.ign', t('only show what a conversion would do')],
    ],
    convert: [
      ['sudo x2nestos --ignition https://example.com/node.ign', t('convert with this Ignition config, everything else from this host')],
      ['sudo x2nestos --ignition ./node.ign --disk /dev/disk/by-id/wwn-0x5000c500a1b2c3d4 --yes', t('a given disk, without asking')],
      [
        'sudo x2nestos --ignition ./node.ign --inherit-ssh-keys --no-reboot',
        t("give user nest this host's SSH keys; stage now, switch later"),
      ],
      ['sudo x2nestos --config answers.yaml --yes', t('replay answers saved by guided mode')],
    ],
    guided: [
      ['sudo x2nestos guided', t('questions, a plan, a typed confirmation, then the conversion')],
      ['sudo x2nestos guided --dry-run', t('the same questions, then only the plan')],
      ['sudo x2nestos guided --lang zh', t('the questions in Chinese')],
    ],
    plan: [
      ['x2nestos plan --ignition ./node.ign', t('the plan, for people')],
      ['x2nestos plan --ignition ./node.ign --json', t('the plan as one JSON document')],
      ['x2nestos plan --iso ./nestos-live.x86_64.iso --ignition ./node.ign', t('the plan with a local live ISO')],
    ],
    fetch: [
      ['x2nestos fetch --to /srv/nestos', t('download and verify the current release of the stream')],
      ['sudo x2nestos --release-dir /srv/nestos --ignition ./node.ign', t('later, or on a host without Internet access: convert from it')],
    ],
    status: [['x2nestos status', t('what is staged, and whether the live kernel is loaded')]],
    abort: [['sudo x2nestos abort', t('unload the live kernel and remove what was staged')]],
    reboot: [
      ['sudo x2nestos reboot', t('switch to the live installer staged with --no-reboot')],
      ['sudo x2nestos reboot --yes --reboot-delay 10', t('without asking, after 10 seconds')],
    ],
    completion: [
      ['x2nestos completion bash > /etc/bash_completion.d/x2nestos', t('install the completion for bash')],
      ['x2nestos completion zsh > "${fpath[1]}/_x2nestos"', t('install the completion for zsh (then start a new shell)')],
      ['source <(x2nestos completion bash)', t('or only for this shell')],
    ],
  };
}

export function localizeProgram(program: Command, tr: Translator): void {
  const { t } = tr;
  const titles: Record<string, string> = {
    'Usage:': t('Usage:'),
    'Options:': t('Options:'),
    'Commands:': t('Commands:'),
    'Arguments:': t('Arguments:'),
    'Global Options:': t('Global Options:'),
  };
  const plain = new Help();
  // commander appends ` (choices: "a", "b")` to a description.
  const choices = (text: string) =>
    text.replace(/ \(choices: ([^)]*)\)$/, (_, list: string) => t(' (choices: {choices})', { choices: list }));
  const all = examples(tr);
  const visit = (cmd: Command) => {
    cmd.description(t(cmd.description()));
    for (const option of cmd.options) option.description = t(option.description);
    for (const argument of cmd.registeredArguments) argument.description = t(argument.description);
    cmd.helpOption('-h, --help', t('display help for command'));
    if (cmd.commands.length > 0) cmd.helpCommand('help [command]', t('display help for command'));
    cmd.configureHelp({
      styleTitle: (title) => titles[title] ?? title,
      optionDescription: (option) => choices(plain.optionDescription(option)),
      argumentDescription: (argument) => choices(plain.argumentDescription(argument)),
    });
    const lines = all[cmd.name()];
    if (lines) cmd.addHelpText('after', `\n${t('Examples:')}\n${lines.map(([line, what]) => `  # ${what}\n  ${line}\n`).join('')}`);
    cmd.commands.forEach(visit);
  };
  visit(program);
}
