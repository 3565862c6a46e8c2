/**
 * Step 2: which NestOS. The stream's current release (read from the stream document now, so the
 * choice shows a build), another stream, or a live ISO file or URL. Each answer is checked the way
 * the conversion will use it before the next question.
 */
import type { Options } from '../options/schema.js';
import type { Translator } from '../i18n/translate.js';
import type { Prompter } from './prompter.js';
import { isRemote as isUrl } from '../model/location.js';

export type ReleaseAnswer =
  | { kind: 'stream'; stream: string; release: string | undefined }
  | { kind: 'iso'; iso: string; isoSha256: string | undefined }
  /** Chosen on the command line (--iso, --release-dir, --release-url, --kernel ...): not asked. */
  | { kind: 'given' };

export type Checked<T> = { ok: T } | { problem: string };

export interface ReleaseChecks {
  /** The build a stream offers now, or why the stream cannot be used. */
  streamRelease(stream: string): Promise<Checked<string | undefined>>;
  /** A live ISO as the conversion would read it: an absolute path or a URL, or why not. */
  liveIso(location: string, sha256: string | undefined): Promise<Checked<string>>;
}

const STREAM_NAME = /^[A-Za-z0-9._-]+$/;
const SHA256 = /^[0-9a-fA-F]{64}$/;

export function givenRelease(options: Options): string | undefined {
  if (options.iso) return `--iso ${options.iso}`;
  if (options.releaseDir) return `--release-dir ${options.releaseDir}`;
  if (options.releaseUrl) return `--release-url ${options.releaseUrl}`;
  if (options.kernel || options.initramfs || options.rootfs) return '--kernel/--initramfs/--rootfs';
  return undefined;
}

export async function askRelease(ask: Prompter, tr: Translator, options: Options, checks: ReleaseChecks): Promise<ReleaseAnswer> {
  const { t } = tr;
  const given = givenRelease(options);
  if (given) {
    ask.say(t('Release: {source} (given on the command line)', { source: given }));
    return { kind: 'given' };
  }
  const current = await checks.streamRelease(options.stream);
  const choice = await ask.select<'current' | 'stream' | 'iso'>({
    message: t('Which NestOS release?'),
    default: 'ok' in current ? 'current' : 'stream',
    choices: [
      {
        value: 'current',
        name:
          'ok' in current
            ? t('NestOS {release}, the current release of stream {stream}', { release: current.ok ?? '?', stream: options.stream })
            : t('The current release of stream {stream}', { stream: options.stream }),
        ...('problem' in current ? { disabled: current.problem } : {}),
      },
      { value: 'stream', name: t('Another stream...') },
      { value: 'iso', name: t('A NestOS live ISO (a file here, or a URL)...') },
    ],
  });
  if (choice === 'current' && 'ok' in current) return { kind: 'stream', stream: options.stream, release: current.ok };

  if (choice === 'stream') {
    let release: string | undefined;
    const stream = await ask.input({
      message: t('Stream name (for example 2403-LTS)'),
      validate: async (value) => {
        const name = value.trim();
        if (!STREAM_NAME.test(name)) return t('stream names are letters, digits, . _ -');
        const checked = await checks.streamRelease(name);
        if ('problem' in checked) return checked.problem;
        release = checked.ok;
        return true;
      },
    });
    return { kind: 'stream', stream: stream.trim(), release };
  }

  let iso = '';
  const location = (
    await ask.input({
      message: t('Path or URL of the NestOS live ISO'),
      validate: async (value) => {
        const v = value.trim();
        if (v === '') return t('give a file path or an http(s) URL');
        if (isUrl(v)) return URL.canParse(v) ? true : t('not a valid URL');
        const checked = await checks.liveIso(v, undefined);
        if ('problem' in checked) return checked.problem;
        iso = checked.ok;
        return true;
      },
    })
  ).trim();
  if (!isUrl(location)) return { kind: 'iso', iso, isoSha256: undefined };
  // A remote ISO is only used with the sha256 published beside it.
  const sha256 = await ask.input({
    message: t('sha256 of the ISO, as published beside it'),
    validate: async (value) => {
      const v = value.trim().toLowerCase();
      if (!SHA256.test(v)) return t('must be 64 hex digits');
      const checked = await checks.liveIso(location, v);
      if ('problem' in checked) return checked.problem;
      iso = checked.ok;
      return true;
    },
  });
  return { kind: 'iso', iso, isoSha256: sha256.trim().toLowerCase() };
}
