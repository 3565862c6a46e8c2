/**
 * `x2nestos manpage`: the x2nestos(8) manual page, in roff, generated from the program as src/cli.ts
 * declares it from the options table (like the shell completion), so an option added to the table
 * is in the page with no edit here. The packages (scripts/build/packages.sh) install what this
 * prints; test/cli/manpage.test.ts checks every option of every command's --help against it and
 * renders it with groff -ww.
 */
import type { Command, Option } from 'commander';
import { EXIT_CODES } from '../errors.js';
import { examples } from '../i18n/help.js';
import { english } from '../i18n/translate.js';
import { RESULTS } from '../output/json-schema.js';

/** What each exit code means, for EXIT STATUS. Keyed by the codes' own table: a new kind must be described here. */
const EXIT_MEANINGS: Record<keyof typeof EXIT_CODES, string> = {
  ok: 'success: planned, staged, switching, fetched',
  internal: 'internal error: a bug; the message says so and where the log is',
  usage: 'usage: unknown flag or config key, conflicting sources, no `--ignition`, no terminal and no `--yes`',
  precondition:
    'precondition: not root, container, unsupported distribution, ambiguous root disk, disk too small or in use, not enough RAM or disk space, another x2nestos running',
  ignition: 'the Ignition config is invalid (the message names the JSON path) or nobody could log in with it',
  verification: 'verification: sha256 mismatch, initramfs and rootfs from different builds, bad signature',
  network: 'network: mirror or Ignition URL unreachable after bounded retries',
  kexec: 'kexec: disabled or unsupported, lockdown refused the kernel, the load failed',
  packages: 'packages: kexec-tools missing and could not be installed',
  declined: 'the confirmation was not given',
  output: 'output: stdout or the --json/--events stream could not be written (a full disk, a closed file)',
  interrupted: 'interrupted by Ctrl-C or SIGTERM (before any change nothing changed; after, the step was undone)',
};

/** Options that switch a safety check off: only ever these explicitly named flags. */
const SAFETY_FLAG = /^--(allow|skip)-/;

interface OptionEntry {
  option: Option;
  commands: string[];
}

/** Text for roff: backslashes escaped, `code` in bold, and no line starting with a control character. */
export function roffText(text: string): string {
  const escaped = text.replace(/\\/g, '\\e').replace(/`([^`]+)`/g, (_, code: string) => `\\fB${code.replace(/-/g, '\\-')}\\fR`);
  return escaped
    .split('\n')
    .map((line) => (/^[.']/.test(line) ? `\\&${line}` : line))
    .join('\n');
}

/** A command line for roff: backslashes and minus signs as themselves. */
function roffCode(line: string): string {
  return line.replace(/\\/g, '\\e').replace(/-/g, '\\-');
}

/** `-y, --yes` or `--stream <name>` as roff: flags bold with real minus signs, the value italic. */
function roffFlags(flags: string): string {
  return flags
    .split(/(<[^>]+>|\[[^\]]+\])/)
    .filter((part) => part.length > 0)
    .map((part) => (/^[<[]/.test(part) ? `\\fI${part.slice(1, -1)}\\fR` : `\\fB${part.trim().replace(/-/g, '\\-')}\\fR`))
    .join(' ')
    .replace(/\\fR \\fB/g, ' ');
}

/**
 * Every option once, in declaration order, with the commands that take it; the program's own
 * (--version) takes no command. The same flag can mean slightly different things per command
 * (--dry-run in guided mode), so an entry is a flag with its description.
 */
function optionsOf(program: Command): OptionEntry[] {
  const entries = new Map<string, OptionEntry>();
  for (const cmd of [program, ...program.commands]) {
    for (const option of cmd.createHelp().visibleOptions(cmd)) {
      const key = `${option.flags}\0${option.description}`;
      const entry = entries.get(key) ?? { option, commands: [] };
      if (cmd !== program) entry.commands.push(cmd.name());
      entries.set(key, entry);
    }
  }
  return [...entries.values()];
}

function optionItem({ option }: OptionEntry): string {
  const choices = option.argChoices ? ` One of ${option.argChoices.map((c) => `\\fB${c}\\fR`).join(', ')}.` : '';
  return `.TP\n${roffFlags(option.flags)}\n${roffText(option.description)}.${choices}`;
}

/** One subsection per set of commands taking the same options, in the order the options come. */
function optionSections(entries: OptionEntry[], all: string[]): string[] {
  const groups = new Map<string, OptionEntry[]>();
  for (const entry of entries) {
    const key = entry.commands.length === 0 || entry.commands.length === all.length ? '' : entry.commands.join(', ');
    groups.set(key, [...(groups.get(key) ?? []), entry]);
  }
  return [...groups].flatMap(([commands, group]) => [
    `.SS ${commands === '' ? 'Every command' : commands.includes(',') ? `Commands ${commands}` : `Command ${commands}`}`,
    ...group.map(optionItem),
  ]);
}

export function manPage(program: Command, version: string): string {
  const name = program.name();
  const commands = program.commands;
  const commandNames = commands.map((c) => c.name());
  const options = optionsOf(program);
  const safety = options.filter((o) => o.option.long !== undefined && SAFETY_FLAG.test(o.option.long));
  const exitCodes = (Object.keys(EXIT_CODES) as (keyof typeof EXIT_CODES)[]).map(
    (kind) => `.TP\n.B ${EXIT_CODES[kind]}\n${roffText(EXIT_MEANINGS[kind])}.`,
  );
  const perCommand = examples(english);
  // The program's own examples repeat some of convert's: each command line once.
  const exampleLines = [
    ...new Map(
      Object.values(perCommand)
        .flat()
        .map(([line, what]) => [line, what]),
    ),
  ].map(([line, what]) => `.PP\n${roffText(what)}:\n.RS\n.EX\n${roffCode(line)}\n.EE\n.RE`);

  return [
    `.\\" Generated by \`${name} manpage\` from the options as the program declares them. Do not edit.`,
    `.TH ${name.toUpperCase()} 8 "" "${name} ${version}" "System Administration"`,
    '.SH NAME',
    `${name} \\- ${roffText(
      program
        .description()
        .replace(/\.$/, '')
        .replace(/^./, (c) => c.toLowerCase()),
    )}`,
    '.SH SYNOPSIS',
    ...commands.map(
      (c) =>
        `.B ${name}\n${c.name() === 'convert' ? '[\\fBconvert\\fR]' : `\\fB${c.name()}\\fR`} ${c.registeredArguments.map((a) => `\\fI${a.name()}\\fR `).join('')}[\\fIoptions\\fR]\n.br`,
    ),
    '.SH DESCRIPTION',
    `${name} converts a running yum/dnf or apt Linux server into NestOS For Container without touching`,
    'its firmware or boot media: it loads the NestOS live PXE environment with kexec, and the live',
    'installer writes NestOS to the target disk and reboots into it.',
    '.PP',
    'Nothing irreversible happens before everything is verified: the host is inspected, the release',
    'artifacts are downloaded and their sha256 (and, with \\fB\\-\\-signing\\-key\\fR, signatures) checked,',
    'the Ignition config is validated and checked for lock-out, and the memory is computed from the',
    'real artifact sizes. Only then is the live kernel loaded and, after confirmation (or',
    '\\fB\\-\\-yes\\fR), switched to.',
    '.B The installer erases the target disk',
    '(except partitions kept with \\fB\\-\\-save\\-partlabel\\fR or \\fB\\-\\-save\\-partindex\\fR);',
    `\\fB${name} plan\\fR shows exactly what would happen and changes nothing.`,
    '.PP',
    'All options can also be written in a YAML file given with \\fB\\-\\-config\\fR: the keys are the long',
    'option names without the dashes. Unknown keys are errors; options on the command line win.',
    '.SH COMMANDS',
    ...commands.map(
      (c) => `.TP\n.B ${c.name()}${c.registeredArguments.map((a) => ` \\fI${a.name()}\\fR`).join('')}\n${roffText(c.description())}.`,
    ),
    '.SH OPTIONS',
    ...optionSections(options, commandNames),
    '.SH SAFETY FLAGS',
    'A safety check is only ever switched off by its own explicitly named option:',
    ...safety.map((o) => `.TP\n${roffFlags(o.option.flags)}\n${roffText(o.option.description)}.`),
    '.PP',
    `Without a terminal and without \\fB\\-\\-yes\\fR, ${name} never prompts: it fails at once and names \\fB\\-\\-yes\\fR.`,
    '.SH EXIT STATUS',
    'Every refusal is one line on standard error,',
    `\\fB${name}: error:\\fR \\fIwhat\\fR\\fB:\\fR \\fIwhat to do\\fR,`,
    'and leaves the host as it was: nothing loaded, nothing staged, no half-written file under a final name.',
    ...exitCodes,
    '.SH JSON OUTPUT',
    'With \\fB\\-\\-json\\fR, standard output carries exactly one JSON document; progress for people stays on',
    'standard error. Its fields, within \\fBschemaVersion\\fR 1 (fields are only ever added):',
    '.TP',
    '.B schemaVersion, tool, command, ok, exitCode, result',
    'the document version; \\fBtool.name\\fR and \\fBtool.version\\fR; the command run; success; the exit code;',
    `and what came of it: ${RESULTS.map((r) => `\\fB${r}\\fR`).join(', ')}.`,
    '.TP',
    '.B release',
    'the release used: source, stream, version, architecture, and per artifact its location, sha256 and size.',
    '.TP',
    '.B plan',
    'everything decided before anything is done: host, target disk, Ignition summary (sizes, hashes and',
    'key fingerprints, never contents), installer configuration, live kernel arguments, network, memory,',
    'kexec commands, steps, warnings and \\fBblockers\\fR (each with \\fBkind\\fR, \\fBmessage\\fR and \\fBremedy\\fR).',
    '.TP',
    '.B artifacts, staged, switch, status, aborted',
    'per command: the verified files; what was staged; how the switch was made (\\fBmethod\\fR) and what showed it',
    'under way (\\fBevidence\\fR); what is loaded; what was removed.',
    '.TP',
    '.B directory, manifestSha256',
    '\\fBfetch\\fR: the directory written, and the sha256 of its \\fIrelease.json\\fR that hosts pass as',
    '\\fB\\-\\-release\\-manifest\\-sha256\\fR.',
    '.TP',
    '.B guided',
    '\\fBguided\\fR: whether it was a dry run (\\fBdryRun\\fR) and where the answers were saved (\\fBanswersFile\\fR, or null).',
    '.TP',
    '.B error',
    'when \\fBok\\fR is false: \\fBkind\\fR (the exit status class above), \\fBmessage\\fR, \\fBremedy\\fR, \\fBdetails\\fR.',
    '.SH EVENTS',
    'With \\fB\\-\\-events jsonl\\fR (instead of \\fB\\-\\-json\\fR), standard output carries one JSON object per line as',
    'things happen, each with \\fBschemaVersion\\fR 1, \\fBtime\\fR (UTC, ISO 8601) and \\fBtype\\fR:',
    '\\fBstage\\-start\\fR, \\fBstage\\-progress\\fR, \\fBstage\\-done\\fR, \\fBstage\\-failed\\fR (with \\fBstage\\fR, \\fBstep\\fR,',
    '\\fBdetail\\fR, and \\fBbytes\\fR/\\fBtotal\\fR or \\fBseconds\\fR), \\fBinfo\\fR, \\fBwarning\\fR, and last \\fBresult\\fR,',
    'whose \\fBdocument\\fR is the document \\fB\\-\\-json\\fR would have printed. Ignore unknown types.',
    '.SH FILES',
    '.TP',
    '.I /var/lib/x2nestos',
    'the default work directory (\\fB\\-\\-work\\-dir\\fR): downloads, staged files (mode 0600 in a 0700 directory)',
    'and the log \\fIx2nestos.log\\fR.',
    '.SH ENVIRONMENT',
    '.TP',
    '.B LANG, LC_ALL, LC_MESSAGES',
    'messages are in Simplified Chinese for a \\fBzh_CN\\fR locale, English otherwise (see \\fB\\-\\-lang\\fR).',
    '.TP',
    '.B X2NESTOS_DEBUG',
    'when set, a refusal also prints its details (commands run and their output).',
    '.TP',
    '.B NODE_OPTIONS, OPENSSL_CONF',
    'ignored: a tool run as root does not load code named by its environment.',
    '.SH EXAMPLES',
    ...exampleLines,
    '.SH SEE ALSO',
    '.BR kexec (8),',
    '.BR systemctl (1),',
    '.BR ansible\\-playbook (1)',
    '.PP',
    'The Ansible collection \\fBnestos.x2nestos\\fR converts fleets in batches.',
    '',
  ].join('\n');
}
