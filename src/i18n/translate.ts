/**
 * Text for people, in their language. Every user-visible English text in x2nestos is a template
 * ("no disk {disk} on this host (disks: {known})"), and a catalog maps each template to its
 * translation. There are two ways in:
 *   t(template, vars)  texts written for translation (labels, prompts): looked up by template;
 *   msg(text)          a text composed in English elsewhere (an X2Error, a blocker, a plan note):
 *                      matched against the catalog's templates, and the values of its placeholders
 *                      translated in turn, since they are often fragments composed the same way.
 * So modules keep composing plain English, and translation happens once, where text meets the
 * reader (error printing, the reporter, the plan). A text no template matches stays English; the
 * coverage test (test/unit/i18n) makes sure that never happens to a text of ours.
 */
import type { Lang } from './language.js';

export interface Translator {
  readonly lang: Lang;
  /** `template` filled with `vars`, in the reader's language. */
  t(template: string, vars?: Readonly<Record<string, string | number>>): string;
  /** A text already composed in English, in the reader's language. */
  msg(text: string): string;
}

export type Catalog = Readonly<Record<string, string>>;

const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9_]*)\}/g;

export function fill(template: string, vars: Readonly<Record<string, string | number>> = {}): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

export const english: Translator = {
  lang: 'en',
  t: fill,
  msg: (text) => text,
};

/**
 * A fragment is a template meant to be appended to (or put before) another text: it starts with
 * a space or punctuation (" (not found)", ", Secure Boot on") or ends with a space. When two
 * placeholders meet with nothing between them, the second can only hold a fragment (or nothing):
 * that is what makes "{problem}{more}" splittable.
 */
export function isFragment(template: string): boolean {
  // Punctuation alone (", {x}") is no fragment: it would match the start of any text.
  const words = /[A-Za-z]{2,}/.test(template.replace(PLACEHOLDER, ''));
  return words && (/^[\s,.;:(]/.test(template) || /\s$/.test(template));
}

interface Pattern {
  template: string;
  target: string;
  names: string[];
  regex: RegExp;
  /** Letters (then characters) outside placeholders: the more, the more specific the template. */
  literal: number;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

type Token = { text: string } | { name: string };

function tokens(template: string): Token[] {
  const out: Token[] = [];
  let last = 0;
  for (const m of template.matchAll(PLACEHOLDER)) {
    if (m.index > last) out.push({ text: template.slice(last, m.index) });
    out.push({ name: m[1]! });
    last = m.index + m[0].length;
  }
  if (last < template.length) out.push({ text: template.slice(last) });
  return out;
}

/**
 * Placeholders by these names hold a number ("exit {code}", "{count} disks"): they match digits
 * only, which is what lets "(exit {code}{why})" split.
 */
const NUMERIC = new Set(['code', 'count', 'n', 'pid', 'status', 'seconds', 'index', 'bits']);

/** The template as a regular expression body; `capture` decides whether placeholders capture. */
function body(parts: Token[], capture: boolean, fragments: string): string {
  return parts
    .map((p, i) => {
      if ('text' in p) return escape(p.text);
      const before = parts[i - 1];
      const afterPlaceholder = before !== undefined && 'name' in before && !NUMERIC.has(before.name);
      const inner = NUMERIC.has(p.name) ? '\\d+(?:\\.\\d+)?' : afterPlaceholder && fragments ? `(?:${fragments})?` : '.*?';
      return capture ? `(${inner})` : inner;
    })
    .join('');
}

export interface CompiledCatalog {
  exact: Map<string, string>;
  /** Templates with placeholders, most specific first. */
  patterns: Pattern[];
  /** "<text><fragment>": for a whole message with a fragment appended to it. */
  suffixes: RegExp[];
}

export function compileCatalog(catalog: Catalog): CompiledCatalog {
  const exact = new Map<string, string>();
  const all = Object.entries(catalog);
  // Fragments inside the alternation hold no fragments themselves: one level is all texts use.
  const fragmentTemplates = all.map(([template]) => template).filter(isFragment);
  // Besides the catalog's fragments, a parenthesised list (data, not words).
  const fragmentAlternation = [...fragmentTemplates.map((template) => body(tokens(template), false, '')), ' \\(.*?\\)'].join('|');
  const patterns: Pattern[] = [];
  for (const [template, target] of all) {
    exact.set(template, target);
    const parts = tokens(template);
    const letters = parts.reduce((n, p) => n + ('text' in p ? p.text.replace(/[^A-Za-z]/g, '').length : 0), 0);
    // Ties in words are broken by punctuation: "{a} exited with {b}: {c}" before "{a} exited with {b}{c}".
    const literal = letters === 0 ? 0 : letters * 1000 + parts.reduce((n, p) => n + ('text' in p ? p.text.length : 0), 0);
    // A shape with no words ("{problem}: {remedy}") would match any text: t() only.
    if (!parts.some((p) => 'name' in p) || literal === 0) continue;
    patterns.push({
      template,
      target,
      names: parts.flatMap((p) => ('name' in p ? [p.name] : [])),
      regex: new RegExp(`^${body(parts, true, fragmentAlternation)}$`, 's'),
      literal,
    });
  }
  patterns.sort((a, b) => b.literal - a.literal);
  const suffixes = fragmentTemplates
    .filter((template) => /^[\s,.;(]/.test(template))
    .map((template) => new RegExp(`^(.+?)(${body(tokens(template), false, '')})$`, 's'));
  return { exact, patterns, suffixes };
}

export function catalogTranslator(lang: Lang, catalog: Catalog): Translator {
  const { exact, patterns, suffixes } = compileCatalog(catalog);
  const memo = new Map<string, string>();

  const byPattern = (text: string): string | undefined => {
    for (const p of patterns) {
      const m = p.regex.exec(text);
      if (!m) continue;
      const values: Record<string, string> = {};
      p.names.forEach((name, i) => (values[name] = msg(m[i + 1] ?? '')));
      return fill(p.target, values);
    }
    return undefined;
  };

  // "<a whole message> (2 more problems listed above)": the two halves, each translated.
  const bySuffix = (text: string): string | undefined => {
    for (const re of suffixes) {
      const m = re.exec(text);
      if (!m?.[1] || !m[2]) continue;
      const head = msg(m[1]);
      if (head !== m[1]) return head + msg(m[2]);
    }
    return undefined;
  };

  const msg = (text: string): string => {
    if (text.trim() === '') return text;
    const known = exact.get(text) ?? memo.get(text);
    if (known !== undefined) return known;
    let out = byPattern(text) ?? bySuffix(text);
    if (out === undefined && text.includes('\n')) out = text.split('\n').map(msg).join('\n');
    out ??= text;
    memo.set(text, out);
    return out;
  };

  return {
    lang,
    t: (template, vars) => fill(exact.get(template) ?? template, vars),
    msg,
  };
}

const loaded = new Map<Lang, Translator>();

/** The translator for `lang`; the Chinese catalog is only loaded when it is asked for. */
export async function translatorFor(lang: Lang): Promise<Translator> {
  if (lang === 'en') return english;
  const cached = loaded.get(lang);
  if (cached) return cached;
  const { ZH } = await import('./zh/index.js');
  const made = catalogTranslator(lang, ZH);
  loaded.set(lang, made);
  return made;
}
