/**
 * "No string is left untranslated", enforced: every text for people found in the source
 * (test/unit/i18n/extract.ts says which and why) has a Chinese catalog entry of the same shape, and
 * every entry translates the texts it stands for through the same matcher the program uses.
 */
import { describe, expect, it } from 'vitest';
import { AREAS, ZH } from '../../../src/i18n/zh/index.js';
import { catalogTranslator, compileCatalog, fill, isFragment } from '../../../src/i18n/translate.js';
import { extractTexts, templateSkeleton } from './extract.js';

const texts = extractTexts();
const zh = catalogTranslator('zh', ZH);
/** Placeholder names the matcher takes to hold numbers (src/i18n/translate.ts). */
const NUMBERS = new Set(['code', 'count', 'n', 'pid', 'status', 'seconds', 'index', 'bits']);
const placeholders = (s: string) => [...s.matchAll(/\{([A-Za-z][A-Za-z0-9_]*)\}/g)].map((m) => m[1]!);

/** Texts that read the same in Chinese: names of things, formats, code. */
const SAME_IN_CHINESE = new Set([
  'Ignition',
  'ISO',
  'DHCP',
  'SLAAC',
  'kexec',
  'md RAID',
  'initramfs',
  'rootfs',
  'live initramfs',
  'live rootfs',
  'the initramfs',
  '-----BEGIN PGP PUBLIC KEY BLOCK-----',
  '/etc/hostname = {hostname}',
  '--rootfs-mode {mode}',
  'dhcp',
  'DNS {servers}',
  'kexec_file_load',
  'kexec_load',
]);

describe('the Chinese catalog', () => {
  it('covers every text for people in the source', () => {
    const skeletons = new Set(Object.keys(ZH).map(templateSkeleton));
    const missing = texts.filter((t) => (t.keyed ? !(t.skeleton in ZH) : !skeletons.has(t.skeleton)));
    const report = missing.map((t) => `${t.file}:${t.line}  ${JSON.stringify(t.skeleton)}${t.keyed ? ' (t() key)' : ''}`);
    expect(report, `texts with no zh entry (add them to src/i18n/zh/):\n${report.join('\n')}`).toEqual([]);
  });

  it('finds texts of every kind it promises to (a sweep that found nothing would prove nothing)', () => {
    const has = (file: string, text: string) => texts.some((t) => t.file === file && t.skeleton === text);
    expect(has('src/plan/target.ts', '{} is removable')).toBe(true); // a blocker
    expect(has('src/commands/convert.ts', 'no terminal to ask for confirmation on')).toBe(true); // an X2Error
    expect(has('src/commands/prepare.ts', 'Inspecting this host')).toBe(true); // a step title
    expect(has('src/options/table.ts', 'do not ask for confirmation')).toBe(true); // help, from the options table
    expect(has('src/output/render-plan.ts', 'EVERYTHING ON IT WILL BE ERASED')).toBe(true); // a label
    expect(has('src/guided/disk.ts', 'Disk to install NestOS on (everything on it is erased)')).toBe(true); // a prompt
    expect(has('src/commands/convert.ts', 'appended')).toBe(true); // a branch inside a message
    expect(has('src/commands/status.ts', 'Kernel      {}')).toBe(true); // a label column
    expect(texts.some((t) => t.file.startsWith('src/ignition/validate'))).toBe(false); // ignition-validate's own words
    expect(texts.some((t) => /^--[\w-]+ </.test(t.skeleton))).toBe(false); // option specs
    expect(texts.length).toBeGreaterThan(600);
  });

  it('writes Chinese, with no placeholder the English template does not have', () => {
    const problems: string[] = [];
    for (const [key, value] of Object.entries(ZH)) {
      const unknown = placeholders(value).filter((p) => !placeholders(key).includes(p));
      if (unknown.length) problems.push(`${JSON.stringify(key)}: ${unknown.join(', ')} not in the English`);
      // Untranslated: the Chinese is the English, word for word (names and code excepted).
      if (value === key && !SAME_IN_CHINESE.has(key) && /[A-Za-z]{3,}/.test(key.replace(/\{[^}]+\}/g, '')))
        problems.push(`${JSON.stringify(key)}: not translated`);
      if (/\{\}/.test(key)) problems.push(`${JSON.stringify(key)}: unnamed placeholder`);
    }
    expect(problems).toEqual([]);
  });

  it('gives a key the same translation in every file that has it', () => {
    const seen = new Map<string, [string, string]>();
    const clashes: string[] = [];
    for (const [area, entries] of Object.entries(AREAS)) {
      for (const [key, value] of Object.entries(entries)) {
        const before = seen.get(key);
        if (before && before[1] !== value)
          clashes.push(`${JSON.stringify(key)}: ${before[0]} ${JSON.stringify(before[1])} vs ${area} ${JSON.stringify(value)}`);
        seen.set(key, [area, value]);
      }
    }
    expect(clashes).toEqual([]);
  });

  it('translates each template from an English text of its shape, to exactly its own translation', () => {
    const { patterns } = compileCatalog(ZH);
    const wrong: string[] = [];
    for (const p of patterns) {
      // A sample value per placeholder; one right after another placeholder holds a fragment or nothing.
      const values: Record<string, string> = {};
      const parts = p.template.split(/(\{[A-Za-z][A-Za-z0-9_]*\})/);
      parts.forEach((part, i) => {
        const name = /^\{(.+)\}$/.exec(part)?.[1];
        if (!name) return;
        const afterPlaceholder = i >= 2 && parts[i - 1] === '' && /^\{.+\}$/.test(parts[i - 2] ?? '');
        values[name] ??= afterPlaceholder ? '' : NUMBERS.has(name) ? '7' : `⟨${name}⟩`;
      });
      const english = fill(p.template, values);
      const expected = fill(p.target, values);
      const got = zh.msg(english);
      if (got !== expected)
        wrong.push(`${JSON.stringify(p.template)}\n    got      ${JSON.stringify(got)}\n    expected ${JSON.stringify(expected)}`);
    }
    expect(wrong, wrong.join('\n')).toEqual([]);
  });

  it('takes no bare punctuation for a fragment (", {x}" would split any text)', () => {
    expect(Object.keys(ZH).filter((k) => isFragment(k) && !/[A-Za-z]{2,}/.test(k.replace(/\{[^}]+\}/g, '')))).toEqual([]);
    expect(isFragment(', ')).toBe(false);
    expect(isFragment(' (and {count} more)')).toBe(true);
  });
});
