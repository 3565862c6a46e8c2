/**
 * `x2nestos guided` (and bare `x2nestos` on a terminal): the conversion by questions instead of
 * flags. The answers become ordinary Options and the ordinary commands run on them: `plan` for
 * --dry-run, otherwise `convert` with the typed-disk-name confirmation, staged without switching,
 * then a screen saying what happens next, then the switch (`reboot`) once the user says so.
 *
 * Nothing changes on the host before that confirmation. Ctrl-C at a question ends the run with
 * nothing changed; Ctrl-C after the live system is loaded unloads it again before exiting.
 */
import { readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { X2Error } from '../errors.js';
import { ensurePrivateDir, writeFileAtomic } from '../effects/files.js';
import { answersToOptions, replayConfig } from '../guided/answers.js';
import { interview } from '../guided/interview.js';
import { renderNextSteps } from '../guided/next-steps.js';
import { preflight } from '../guided/preflight.js';
import { inquirerPrompter, isPromptInterrupt, type Prompter, type PromptRunner } from '../guided/prompter.js';
import type { Checked } from '../guided/release.js';
import { hashPassword } from '../guided/sha512-crypt.js';
import { inheritableKeys } from '../identity/authorized-keys.js';
import type { Options } from '../options/schema.js';
import type { Plan } from '../plan/types.js';
import { VERSION } from '../version.js';
import { abort } from './abort.js';
import type { Context } from './context.js';
import { convert } from './convert.js';
import { overlap } from './overlap.js';
import { plan } from './plan.js';
import { inspectHost, releaseFor } from './prepare.js';
import { reboot } from './reboot.js';
import { isRemote } from '../model/location.js';

export async function guided(ctx: Context): Promise<void> {
  const { runtime, effects, reporter, tr } = ctx;
  const { t } = tr;
  if (!runtime.stdinIsTTY || !runtime.stderrIsTTY) {
    throw new X2Error('usage', 'guided mode asks questions, and there is no terminal to ask them on', {
      remedy:
        'convert without questions with `x2nestos --ignition URL|FILE --yes` (and --disk, --stream or --iso, --network as needed), or replay saved answers with `x2nestos --config FILE --yes`',
    });
  }
  const ask = await terminalPrompter(ctx);
  const host = { runner: effects.runner, fs: effects.fs };
  // The same inspection as `plan` and `convert`, so the questions offer what the plan will accept.
  const early = overlap(ctx.signal);
  const { facts, kexecTool } = await inspectHost(ctx, early)
    .then(async (inspected) => ({ ...inspected, kexecTool: await inspected.kexecTool }))
    .finally(() => early.close());
  const pre = preflight(facts, ctx.options, {
    kexecTool,
    workDir: ctx.workDir,
    toolVersion: VERSION,
    purpose: ctx.options.dryRun ? 'plan' : 'convert',
  });

  const resolveWith = async (changes: Partial<Options>): Promise<Checked<string | undefined>> => {
    try {
      const release = await releaseFor(ctx, facts, { ...ctx.options, iso: undefined, isoSha256: undefined, ...changes });
      return { ok: release.release };
    } catch (e) {
      if (e instanceof X2Error) return { problem: tr.msg(e.message) };
      throw e;
    }
  };

  let looked = 0;
  const answered = await questions(() =>
    interview({
      ask,
      tr,
      facts,
      options: ctx.options,
      preflight: pre,
      kexecTool: kexecTool.tool,
      dryRun: ctx.options.dryRun,
      release: {
        // The first look is a step of its own; later ones check an answer while its prompt shows
        // a spinner, where a task list drawn over it would garble the screen.
        streamRelease: (stream) =>
          looked++ === 0 ? reporter.step(`Reading the stream ${stream}`, () => resolveWith({ stream })) : resolveWith({ stream }),
        liveIso: async (location, sha256) => {
          const iso = isRemote(location) ? location : path.resolve(runtime.cwd, location);
          const checked = await resolveWith({ iso, isoSha256: sha256 });
          return 'problem' in checked ? checked : { ok: iso };
        },
      },
      ignition: {
        cwd: runtime.cwd,
        hostname: facts.hostname,
        readFile: (p) => readFile(p),
        inheritableKeys: () => reporter.step("Looking for this host's SSH keys", () => inheritableKeys(host)),
        hashPassword: (password) => hashPassword(password),
      },
      save: {
        cwd: runtime.cwd,
        kindOf: (p) =>
          stat(p).then(
            (s) => (s.isDirectory() ? 'dir' : 'file'),
            () => undefined,
          ),
      },
    }),
  );

  let builtPath: string | undefined;
  try {
    const { answers, savePath, dryRun } = answered;
    if (answers.ignition.kind === 'build') {
      const dir = path.join(ctx.workDir, 'guided');
      await ensurePrivateDir(dir);
      builtPath = path.join(dir, `ignition-${new Date().toISOString().replace(/[-:.]/g, '')}.ign`);
      await writeFileAtomic(builtPath, answers.ignition.text, 0o600);
      ctx.log.write(`guided: built Ignition config ${builtPath} (${Buffer.byteLength(answers.ignition.text)} bytes)`);
    }
    const options = answersToOptions(ctx.options, answers, builtPath);
    if (savePath) {
      await writeFileAtomic(savePath, replayConfig(options, tr, new Date()), 0o600);
      ctx.log.write(`guided: answers saved to ${savePath}`);
      ask.say(t('Answers saved to {path}. Replay them without questions: x2nestos --config {path} --yes', { path: savePath }));
      builtPath = undefined; // the saved answers point at it
    }
    ctx.doc.guided = { dryRun, answersFile: savePath ?? null };
    ask.say(recap(answers, ctx, options, dryRun));
    const run: Context = { ...ctx, options };
    if (dryRun) {
      await plan(run);
      ask.say(
        `\n${t('Dry run: nothing was changed.')} ${savePath ? '' : t('Run `x2nestos guided` again without --dry-run to convert.')}`.trimEnd(),
      );
      return;
    }
    await convert({ ...run, options: { ...options, reboot: false } });
    const ignition = answers.ignition;
    ask.say(
      '\n' +
        renderNextSteps(
          {
            plan: ctx.doc.plan as Plan,
            network: facts.network,
            passwordSet: ignition.kind === 'build' && ignition.password,
            logPath: ctx.log.path,
          },
          tr,
        ),
    );
    await ctx.critical(() => switchWhenAsked(run, ask));
  } finally {
    if (builtPath) await rm(builtPath, { force: true });
  }
}

/** Runs the questions; Ctrl-C in any of them ends the run with nothing changed. */
async function questions<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (isPromptInterrupt(e))
      throw new X2Error('interrupted', 'interrupted at a question; nothing was changed', {
        remedy: 'run `x2nestos guided` again when ready',
      });
    throw e;
  }
}

/** The live system is loaded: switch on "yes", keep it staged on "no", unload it on Ctrl-C. */
async function switchWhenAsked(run: Context, ask: Prompter): Promise<void> {
  const cancelled = async (): Promise<never> => {
    await abort(run);
    throw new X2Error('interrupted', 'cancelled before the switch: the live system was unloaded again, nothing on this host was changed', {
      remedy: 'run `x2nestos guided` again when ready',
    });
  };
  let go: boolean;
  try {
    go = await ask.confirm({ message: run.tr.t('Switch to the NestOS live installer now?'), default: true });
  } catch (e) {
    if (isPromptInterrupt(e)) return cancelled();
    throw e;
  }
  if (!go) {
    run.doc.result = 'staged';
    run.reporter.info('staged and loaded; run `x2nestos reboot` to switch, or `x2nestos abort` to undo');
    return;
  }
  try {
    await reboot({ ...run, options: { ...run.options, yes: true } });
  } catch (e) {
    if (run.signal.aborted) return cancelled();
    throw e;
  }
}

function recap(answers: Awaited<ReturnType<typeof interview>>['answers'], ctx: Context, options: Options, dryRun: boolean): string {
  const { t } = ctx.tr;
  const r = answers.release;
  const release =
    r.kind === 'stream'
      ? t('NestOS {release} from stream {stream}', { release: r.release ?? '', stream: r.stream })
      : r.kind === 'iso'
        ? t('NestOS from the live ISO {iso}', { iso: r.iso })
        : t('NestOS from {source}', { source: options.iso ?? options.releaseDir ?? options.releaseUrl ?? options.kernel ?? '?' });
  const i = answers.ignition;
  const ignition =
    i.kind === 'build'
      ? t('built for you: user nest with {keys} SSH key(s){password}, hostname {hostname}', {
          keys: i.keyCount,
          password: i.password ? t(' and a console password') : '',
          hostname: i.hostname,
        })
      : i.kind === 'url'
        ? t('from {url}', { url: i.url })
        : t('from {path}', { path: i.kind === 'file' ? i.path : i.source });
  return [
    '',
    t('The plan in plain words'),
    `  ${t('{release} replaces everything on {disk}{root}.', { release, disk: answers.disk.device, root: answers.disk.isRootDisk ? t(', the disk this system runs from') : '' })}`,
    ...(answers.disk.keep?.length ? [`  ${t('Kept on it: partition(s) {numbers}.', { numbers: answers.disk.keep.join(', ') })}`] : []),
    `  ${t('Ignition config: {ignition}.', { ignition })}`,
    `  ${answers.network === 'keep' ? t("Network: this host's configuration is kept.") : t('Network: DHCP.')}`,
    ...(dryRun
      ? []
      : [`  ${t('Once you type the disk name, the live system is staged and loaded; you are asked once more before the switch.')}`]),
    `  ${t('In detail:')}`,
  ].join('\n');
}

async function terminalPrompter(ctx: Context): Promise<Prompter> {
  // stdout belongs to --json: questions are asked on stderr. The run's abort signal ends a question
  // too, so an interrupt while the live system is loaded still gets it unloaded.
  const run: PromptRunner = (prompt, config) => prompt(config, { output: process.stderr, signal: ctx.signal });
  return inquirerPrompter(ctx.tr, run, (text) => {
    process.stderr.write(text + '\n');
  });
}
