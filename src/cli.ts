/**
 * Entry point: parses arguments, builds the context, dispatches to a command, and maps the outcome
 * to an exit code and (with --json) one JSON document. Heavy modules load lazily per command.
 */
import { Argument, Command } from 'commander';
import { EXIT_CODES, X2Error, exitCodeOf, isX2Error } from './errors.js';
import { VERSION } from './version.js';
import { declareOptions } from './options/declare.js';
import type { CommandName } from './options/table.js';
import type { Context } from './commands/context.js';
import type { EventStream } from './output/events.js';

function build(run: (name: CommandName, flags: Record<string, unknown>) => Promise<void>): Command {
  const program = new Command('x2nestos')
    .description('Convert this yum/dnf or apt server into NestOS For Container, by kexec into the NestOS live installer.')
    .version(`x2nestos ${VERSION}`, '-V, --version')
    // Errors are printed once, by report(), in the reader's language.
    .configureOutput({ outputError: () => undefined })
    .exitOverride();

  const convert = declareOptions(program.command('convert', { isDefault: true }), 'convert').description(
    'convert this host (the default command)',
  );
  convert.action((flags: Record<string, unknown>) => run(flags.dryRun ? 'plan' : 'convert', flags));

  declareOptions(program.command('plan'), 'plan')
    .description('show what a conversion would do; changes nothing')
    .action((flags: Record<string, unknown>) => run('plan', flags));

  declareOptions(program.command('fetch'), 'fetch')
    .description('download and verify a release into a directory, for later or air-gapped use')
    .action((flags: Record<string, unknown>) => run('fetch', flags));

  declareOptions(program.command('status'), 'status')
    .description('what is staged and loaded')
    .action((flags: Record<string, unknown>) => run('status', flags));
  declareOptions(program.command('abort'), 'abort')
    .description('unload a staged kernel and remove staged files')
    .action((flags: Record<string, unknown>) => run('abort', flags));
  declareOptions(program.command('reboot'), 'reboot')
    .description('switch to the staged live installer')
    .action((flags: Record<string, unknown>) => run('reboot', flags));

  declareOptions(program.command('guided'), 'guided')
    .description('convert this host by answering questions (bare `x2nestos` on a terminal does the same)')
    .action((flags: Record<string, unknown>) => run('guided', flags));
  program
    .command('completion')
    .description('print a shell completion script')
    .addArgument(new Argument('<shell>', 'bash or zsh').choices(['bash', 'zsh']))
    .action(async (shell: 'bash' | 'zsh') => {
      const { completionScript } = await import('./commands/completion.js');
      process.stdout.write(completionScript(program, shell));
    });
  program
    .command('manpage')
    .description('print the x2nestos(8) manual page (roff), as installed by the rpm and deb packages')
    .action(async () => {
      const { manPage } = await import('./commands/manpage.js');
      process.stdout.write(manPage(program, VERSION));
    });
  return program;
}

async function main(given: string[]): Promise<number> {
  // First of all: a closed or full stdout/stderr must never kill a run half-way (src/output/std-streams.ts).
  const { guardStdStreams } = await import('./output/std-streams.js');
  const streams = guardStdStreams();
  const { readRuntime } = await import('./effects/runtime.js');
  const runtime = readRuntime();
  // On a terminal, x2nestos with no arguments asks its questions instead of failing for want of flags.
  const argv = given.length === 0 && runtime.stdinIsTTY && runtime.stderrIsTTY ? ['guided'] : given;
  const { langFlag, pickLanguage } = await import('./i18n/language.js');
  const { setActiveTranslator } = await import('./i18n/active.js');
  const { translatorFor } = await import('./i18n/translate.js');
  let tr = await translatorFor(pickLanguage(langFlag(argv), runtime.locale));
  setActiveTranslator(tr);
  let json = argv.includes('--json');
  // Filled by createContext when --events jsonl (flag or config file) is in effect.
  const machine: { events?: EventStream } = {};
  let ctx: Context | undefined;
  let command = 'convert';
  const controller = new AbortController();
  // Until something on the host has been changed, an interrupt simply ends the process (partial
  // downloads stay as resumable .part files). Inside a critical section the running step sees the
  // abort and undoes its work (unloads the kernel, removes staged files) before the exit.
  let critical = 0;
  streams.onFailure((f) =>
    ctx?.log.write(
      `${f.stream} failed (${f.code})${f.readerGone ? ': its reader went away; further output to it is dropped' : ''}; the run carries on`,
    ),
  );
  const onSignal = (sig: NodeJS.Signals) => {
    controller.abort(new X2Error('interrupted', `interrupted by ${sig}`, { remedy: 'run the same command again to resume' }));
    if (critical === 0) {
      ctx?.log.write(`interrupted by ${sig}; nothing had been changed`);
      process.stderr.write(`\nx2nestos: ${tr.t('interrupted by {signal}; nothing was changed', { signal: sig })}\n`);
      process.exit(EXIT_CODES.interrupted);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // A dropped SSH session hangs up the terminal: treated like SIGTERM, never a death half-way.
  process.on('SIGHUP', onSignal);

  const run = async (name: CommandName, flags: Record<string, unknown>) => {
    command = name;
    ctx = await createContext(
      name,
      flags,
      runtime,
      controller.signal,
      async (fn) => {
        critical++;
        try {
          return await fn();
        } finally {
          critical--;
        }
      },
      machine,
      tr,
    );
    tr = ctx.tr;
    json = ctx.options.json;
    if (json && ctx.options.events !== undefined) {
      throw new X2Error('usage', '--json and --events both write to stdout', {
        remedy: 'drop --json: the last --events line (type "result") carries the same document',
      });
    }
    const commands = {
      convert: () => import('./commands/convert.js').then((m) => m.convert(ctx!)),
      plan: () => import('./commands/plan.js').then((m) => m.plan(ctx!)),
      fetch: () => import('./commands/fetch.js').then((m) => m.fetch(ctx!)),
      status: () => import('./commands/status.js').then((m) => m.status(ctx!)),
      abort: () => import('./commands/abort.js').then((m) => m.abort(ctx!)),
      reboot: () => import('./commands/reboot.js').then((m) => m.reboot(ctx!)),
      guided: () => import('./commands/guided.js').then((m) => m.guided(ctx!)),
    };
    await commands[name]();
  };

  let exitCode: number = EXIT_CODES.ok;
  let failure: unknown;
  try {
    const program = build(run);
    const { localizeProgram } = await import('./i18n/help.js');
    localizeProgram(program, tr);
    const { checkOptionValues } = await import('./options/argv.js');
    checkOptionValues(argv, flagTable(program));
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    const commanderCode = (e as { code?: string }).code;
    if (commanderCode === 'commander.helpDisplayed' || commanderCode === 'commander.version' || commanderCode === 'commander.help')
      return EXIT_CODES.ok;
    failure = commanderCode?.startsWith('commander.')
      ? new X2Error('usage', (e as Error).message.replace(/^error: /, ''), { remedy: 'see `x2nestos --help`' })
      : e;
    exitCode = exitCodeOf(failure);
  }
  if (failure !== undefined) report(failure, runtime.env.X2NESTOS_DEBUG !== undefined, ctx, tr);
  if (json) {
    const { emitJson } = await import('./output/emit.js');
    emitJson(command, exitCode, failure, ctx?.doc ?? {});
  } else if (machine.events !== undefined || argv.some((a) => a === '--events' || a.startsWith('--events='))) {
    // Also when the run failed before the context existed (a bad flag): the stream still ends in a result.
    const { jsonDocument } = await import('./output/emit.js');
    const { eventStream, resultEvent } = await import('./output/events.js');
    (machine.events ?? eventStream(writeStdout)).emit(resultEvent(jsonDocument(command, exitCode, failure, ctx?.doc ?? {})));
  }
  return outputOutcome(exitCode, streams, json || machine.events !== undefined, ctx, tr);
}

/**
 * A full stdout (`--json > /dev/full`) means the document a program waits for is incomplete: said
 * on stderr, and a run that otherwise succeeded exits with the `output` code. A reader that went
 * away (EPIPE) is its own choice, as with `x2nestos plan --help | head -1`: no error.
 */
async function outputOutcome(
  exitCode: number,
  streams: import('./output/std-streams.js').StdStreams,
  machineOutput: boolean,
  ctx: Context | undefined,
  tr: import('./i18n/translate.js').Translator,
): Promise<number> {
  // Write errors of the last writes arrive as events on the next turns of the loop.
  await new Promise((resolve) => setImmediate(resolve));
  const stdout = streams.failures().find((f) => f.stream === 'stdout' && !f.readerGone);
  if (!stdout) return exitCode;
  const what = machineOutput ? 'the JSON output' : 'the output';
  const error = new X2Error('output', `could not write ${what} to stdout (${stdout.code})`, {
    remedy: 'send it to a file on a filesystem with free space, or to a pipe',
  });
  report(error, false, ctx, tr);
  return exitCode === EXIT_CODES.ok ? EXIT_CODES.output : exitCode;
}

/** Which flags take a value, and every flag there is, from the declarations above. */
function flagTable(program: Command): import('./options/argv.js').FlagTable {
  const takesValue = new Set<string>();
  const known = new Set<string>(['-h', '--help']);
  for (const cmd of [program, ...program.commands]) {
    for (const o of cmd.options) {
      for (const flag of [o.long, o.short]) {
        if (flag === undefined) continue;
        known.add(flag);
        if (o.required || o.optional) takesValue.add(flag);
      }
    }
  }
  return { takesValue, known };
}

function report(e: unknown, debug: boolean, ctx: Context | undefined, tr: import('./i18n/translate.js').Translator): void {
  if (isX2Error(e)) {
    ctx?.log.write(`error (${e.kind}): ${e.oneLine()}${e.details.length ? '\n  ' + e.details.join('\n  ') : ''}`);
    const told = e.remedy ? tr.t('{problem}: {remedy}', { problem: tr.msg(e.message), remedy: tr.msg(e.remedy) }) : tr.msg(e.message);
    // What the line leaves out (each attempt, the command's own output, dmesg) went to the log: say where.
    const line = e.details.length > 0 && ctx?.log.path ? tr.t('{message} (details: {log})', { message: told, log: ctx.log.path }) : told;
    // An interrupt is the user's doing, not an error.
    process.stderr.write(`x2nestos: ${e.kind === 'interrupted' ? line : tr.t('error: {message}', { message: line })}\n`);
    if (debug && e.details.length) process.stderr.write(e.details.map((d) => `  ${d}\n`).join(''));
    return;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  ctx?.log.write(`internal error: ${err.stack ?? err.message}`);
  const log = ctx?.log.path ? ` (${ctx.log.path})` : '';
  process.stderr.write(
    `x2nestos: internal error: ${err.message}\n${err.stack ?? ''}\n${tr.t('This is a bug in x2nestos; please report it with the log{log}.', { log })}\n`,
  );
}

async function createContext(
  name: CommandName,
  flags: Record<string, unknown>,
  runtime: import('./effects/runtime.js').Runtime,
  signal: AbortSignal,
  critical: Context['critical'],
  machine: { events?: EventStream },
  tr: import('./i18n/translate.js').Translator,
): Promise<Context> {
  const { loadOptions } = await import('./options/load.js');
  const { hostEffects } = await import('./effects/host.js');
  const { fileLogger } = await import('./output/log.js');
  const { createReporter } = await import('./output/reporter.js');
  const { readFile } = await import('node:fs/promises');
  const path = await import('node:path');
  const { config, dryRun, ...rest } = flags;
  // --dry-run means `plan` everywhere but in guided mode, which asks its questions first.
  const options = await loadOptions(name === 'guided' ? { ...rest, dryRun } : rest, typeof config === 'string' ? config : undefined, (p) =>
    readFile(p, 'utf8'),
  );
  if (options.lang !== undefined) {
    const { translatorFor } = await import('./i18n/translate.js');
    const { setActiveTranslator } = await import('./i18n/active.js');
    tr = await translatorFor(options.lang);
    setActiveTranslator(tr);
  }
  const effects = await hostEffects(runtime, { caFile: options.caFile });
  const workDir = options.workDir ?? effects.defaultWorkDir;
  const log = fileLogger(options.logFile ?? path.join(workDir, 'x2nestos.log'));
  log.write(`x2nestos ${VERSION} ${name} (pid ${runtime.pid}${effects.sandboxed ? ', sandbox' : ''})`);
  let reporter = createReporter({ fancy: runtime.fancy, quiet: false, log, tr });
  if (options.events === 'jsonl' && !options.json) {
    const { eventStream, withEvents } = await import('./output/events.js');
    machine.events = eventStream(writeStdout);
    reporter = withEvents(reporter, machine.events);
  }
  if (options.logFile !== undefined && log.problem !== undefined) {
    reporter.warn(`cannot write the log file ${options.logFile} (${log.problem}); carrying on without a log`);
  }
  return {
    command: name,
    runtime,
    effects,
    options,
    workDir,
    reporter,
    tr,
    log,
    signal,
    critical,
    doc: {},
    confirm: async (question, expected) => {
      const { confirm, input } = await import('@inquirer/prompts');
      // On stderr: stdout belongs to --json. Ctrl-C at a question changes nothing.
      const context = { output: process.stderr };
      try {
        if (expected) return (await input({ message: tr.msg(question) }, context)).trim() === expected;
        return await confirm(
          {
            message: tr.msg(question),
            default: false,
            theme: { keywords: { yes: tr.t('yes'), no: tr.t('no'), error: () => tr.t('answer y or n') } },
          },
          context,
        );
      } catch (e) {
        if (e instanceof Error && e.name === 'ExitPromptError')
          throw new X2Error('interrupted', 'interrupted at a question; nothing was changed', {
            remedy: 'run the same command again when ready',
          });
        throw e;
      }
    },
  };
}

function writeStdout(text: string): void {
  process.stdout.write(text);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`x2nestos: internal error: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exitCode = EXIT_CODES.internal;
  },
);
