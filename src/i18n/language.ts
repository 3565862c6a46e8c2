/**
 * Which language people read: `--lang` wins, then the locale (LC_ALL, LC_MESSAGES, LANG in that
 * order, as src/effects/runtime.ts reads it). Simplified Chinese for any zh locale, English
 * otherwise. Machine output (--json, --events) is English whatever this says.
 */
export type Lang = 'en' | 'zh';

export const LANGS: readonly Lang[] = ['en', 'zh'];

export function pickLanguage(flag: string | undefined, locale: string): Lang {
  if (flag === 'en' || flag === 'zh') return flag;
  // zh_CN.UTF-8, zh_SG, zh_Hans, zh, zh.UTF-8: the only Chinese there is a catalog for.
  return /^zh(?:[_.@-]|$)/i.test(locale) ? 'zh' : 'en';
}

/**
 * The value of --lang on a command line, before commander has parsed it: help texts and argument
 * errors are printed during parsing, so their language must be known first.
 */
export function langFlag(argv: readonly string[]): string | undefined {
  let found: string | undefined;
  argv.forEach((arg, i) => {
    if (arg === '--lang') found = argv[i + 1];
    else if (arg.startsWith('--lang=')) found = arg.slice('--lang='.length);
  });
  return found;
}
