/**
 * Finds every text x2nestos may show a person, in its source: the string and template literals of
 * src/ and distro-adapters/ that read like prose (two words or more), the literal branches picked
 * inside such templates, and the first argument of every translator call (`t('...')`). A template's
 * `${...}` parts become `{}`: that skeleton is what a catalog template must reproduce.
 *
 * Left out on purpose, each for a reason a reviewer can check:
 *   - the Ignition validator's messages (they repeat `ignition-validate` word for word, and the
 *     remedy tells the user to compare with it);
 *   - the run log (`log.write(...)`, `log(...)`): English, for diagnosis and bug reports;
 *   - plain `Error`s and X2Error('internal', ...): bugs, reported in English with the log;
 *   - `details:` lines (commands and their stderr, shown only with X2NESTOS_DEBUG);
 *   - the texts listed in NOT_FOR_PEOPLE below (file contents, protocol headers, argv).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export const ROOT = path.resolve(import.meta.dirname, '../../..');

export interface FoundText {
  file: string;
  line: number;
  skeleton: string;
  /** A translator call's template: its catalog key must be exactly this text. */
  keyed: boolean;
  /** A name for each `{}` of the skeleton, from the interpolated expression (for drafting entries). */
  names: string[];
}

/** Shell code: its words are commands and options; the descriptions in it come translated from the program. */
const CODE_FILES = new Set([
  'src/commands/completion.ts',
  'src/payload/boot-entries-script.ts',
  // The man page x2nestos(8): an English roff document the packages install (like the --json
  // field names, not a message); its option descriptions come from the program.
  'src/commands/manpage.ts',
  // The live system's failsafe: a shell script and systemd units. Their messages appear on the live
  // system's consoles and journal, which run in English (the live image has no locale of ours).
  'src/payload/failsafe-script.ts',
  'src/payload/failsafe.ts',
  // The install record: a live-system script and units; NestOS's journal shows its lines in English.
  'src/payload/install-record.ts',
  // The unit template both post-install hooks share.
  'src/payload/post-install-hook.ts',
]);

const VALIDATOR_FILES = new Set(
  [
    'validate',
    'validate-resource',
    'validate-storage',
    'validate-systemd',
    'data-url',
    'json-ast',
    'go-url',
    'go-decode',
    'unit-file',
    'references',
    'issues',
  ].map((f) => `src/ignition/${f}.ts`),
);

/** [file, skeleton]: texts that are data for programs or files, not messages. */
export const NOT_FOR_PEOPLE: [string, string, string][] = [
  ['src/payload/kargs.ts', 'mitigations=auto,nosmt', 'a kernel argument'],
  ['src/plan/plan.ts', 'written by x2nestos {} for {}', 'a comment inside the installer config file'],
  ['src/network/keyfiles.ts', 'x2nestos: {} {} of the old host ({}){}', 'a comment inside a NetworkManager keyfile'],
  ['src/network/keyfiles.ts', ', pinned to {}', 'part of that comment'],
  ['src/network/keyfiles.ts', 'declared in {}', 'part of that comment'],
  ['src/network/keyfiles.ts', 'runtime state', 'part of that comment'],
  ['src/ignition/source.ts', 'application/vnd.coreos.ignition+json, application/json;q=0.9, */*;q=0.1', 'an HTTP Accept header'],
  ['distro-adapters/apt.ts', 'kexec-tools kexec-tools/load_kexec boolean false\n', 'debconf preseed input'],
  ['src/effects/exec.ts', 'timed out after {} ms', "stands in for a command's stderr"],
  ['src/effects/sandbox.ts', '{}: not found', "the sandbox's stand-in stderr"],
  ['src/options/schema.ts', 'https://nestos.org.cn/NestOS-release/streams/', 'a URL'],
  ['src/cli.ts', 'x2nestos: internal error: {}\n{}\n{}\n', 'internal errors are bugs, reported in English with the log'],
  ['src/cli.ts', 'x2nestos: internal error: {}\n', 'the same'],
];

function sourceFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = path.join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.ts') && !p.endsWith('.test.ts') && !p.endsWith('.d.ts')) out.push(p);
    }
  };
  walk(path.join(ROOT, 'src'));
  walk(path.join(ROOT, 'distro-adapters'));
  return out.sort();
}

type TextNode = ts.StringLiteral | ts.NoSubstitutionTemplateLiteral | ts.TemplateExpression;

const isText = (n: ts.Node): n is TextNode => ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n) || ts.isTemplateExpression(n);

export function skeletonOf(n: TextNode): string {
  if (!ts.isTemplateExpression(n)) return n.text;
  return n.head.text + n.templateSpans.map((s) => `{}${s.literal.text}`).join('');
}

/** Option specs (`-y, --yes`, `--disk <dev>`) and command lines (`sudo x2nestos plan ...`) are the same in every language. */
const isCode = (s: string) =>
  /^(-\w, )?--[\w-]+( <[^>]+>| \{\})?$/.test(s) ||
  /^(sudo )?x2nestos( |$)/.test(s) ||
  /^\s*ssh /.test(s) ||
  s.startsWith('source <(') ||
  s === 'help [command]';
/** A label column (`Kernel      {}`): one word, but for people. */
const isLabelled = (s: string) => /^[A-Z][a-z]+ {2,}\S/.test(s);
/** Agreement words chosen inside an English sentence (`${n === 1 ? 'is' : 'are'}`): its translation has no use for them. */
const GRAMMAR = new Set(['is', 'are', 'has', 'have', 'it', 'them', 'was', 'were', 's']);
const isProse = (s: string) => !isCode(s) && /\s/.test(s.trim()) && (s.replace(/\{\}/g, ' ').match(/[A-Za-z]{2,}/g) ?? []).length >= 2;
const hasWord = (s: string) => /[A-Za-z]{2,}/.test(s);

function calleeName(call: ts.CallExpression | ts.NewExpression): string {
  const e = call.expression;
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e)) return e.name.text;
  return '';
}

/** Why a text at this place is not for people, or undefined when it is. */
function excludedContext(n: ts.Node, sf: ts.SourceFile): boolean {
  for (let p: ts.Node | undefined = n.parent; p && !ts.isSourceFile(p); p = p.parent) {
    if (ts.isImportDeclaration(p) || ts.isExportDeclaration(p) || ts.isLiteralTypeNode(p)) return true;
    if (ts.isPropertyAssignment(p) && p.name.getText(sf) === 'details') return true;
    if (ts.isCallExpression(p) || ts.isNewExpression(p)) {
      const name = calleeName(p);
      const callee = p.expression.getText(sf);
      if (name === 'log' || callee.endsWith('log.write') || callee === 'log') return true;
      // FollowDiverged (src/stage/follow.ts) is a plain Error whose message only ever reaches the log.
      if (ts.isNewExpression(p) && ['Error', 'TypeError', 'RangeError', 'FollowDiverged'].includes(name)) return true;
      if (ts.isNewExpression(p) && name === 'X2Error') {
        const kind = p.arguments?.[0];
        if (kind && ts.isStringLiteral(kind) && kind.text === 'internal') return true;
      }
      if (name === 'import' || name === 'require') return true;
    }
  }
  return false;
}

function nameOf(e: ts.Expression, sf: ts.SourceFile): string {
  const ids = e.getText(sf).match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? [];
  const skip = new Set(['formatBytes', 'join', 'map', 'length', 'toFixed', 'String', 'Math', 'ceil', 'slice', 'toUpperCase', 'trim']);
  return ids.filter((id) => !skip.has(id)).pop() ?? 'value';
}

export function extractTexts(): FoundText[] {
  const found: FoundText[] = [];
  for (const file of sourceFiles()) {
    const rel = path.relative(ROOT, file);
    // The catalog itself is the translation, not text to translate.
    if (VALIDATOR_FILES.has(rel) || CODE_FILES.has(rel) || rel.startsWith('src/i18n/zh/')) continue;
    const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const add = (n: TextNode, keyed: boolean) => {
      const skeleton = skeletonOf(n);
      if (NOT_FOR_PEOPLE.some(([f, s]) => f === rel && s === skeleton)) return;
      const names = ts.isTemplateExpression(n) ? n.templateSpans.map((span) => nameOf(span.expression, sf)) : [];
      found.push({ file: rel, line: sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1, skeleton, keyed, names });
    };
    // Literal branches chosen inside a text for people (`rootfs ${append ? 'appended' : 'by URL'}`).
    const branches = (e: ts.Expression) => {
      const visitBranch = (x: ts.Expression) => {
        const inner = ts.isParenthesizedExpression(x) ? x.expression : x;
        if (isText(inner)) {
          if (hasWord(skeletonOf(inner)) && !GRAMMAR.has(skeletonOf(inner))) add(inner, false);
          if (ts.isTemplateExpression(inner)) inner.templateSpans.forEach((s) => branches(s.expression));
        } else branches(inner);
      };
      if (ts.isConditionalExpression(e)) {
        visitBranch(e.whenTrue);
        visitBranch(e.whenFalse);
      } else if (
        ts.isBinaryExpression(e) &&
        (e.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken || e.operatorToken.kind === ts.SyntaxKind.BarBarToken)
      ) {
        visitBranch(e.right);
      } else if (ts.isParenthesizedExpression(e)) branches(e.expression);
    };
    const visit = (n: ts.Node): void => {
      if (ts.isCallExpression(n) && calleeName(n) === 't' && n.arguments[0] && isText(n.arguments[0])) {
        add(n.arguments[0], true);
        n.arguments.slice(1).forEach(visit);
        return;
      }
      if (isText(n)) {
        if ((isProse(skeletonOf(n)) || isLabelled(skeletonOf(n))) && !excludedContext(n, sf)) {
          add(n, false);
          if (ts.isTemplateExpression(n)) n.templateSpans.forEach((s) => branches(s.expression));
        }
        if (ts.isTemplateExpression(n)) n.templateSpans.forEach((s) => visit(s.expression));
        return;
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return found;
}

/** `{name}` placeholders → `{}`, as in a skeleton. */
export function templateSkeleton(template: string): string {
  return template.replace(/\{[A-Za-z][A-Za-z0-9_]*\}/g, '{}');
}
