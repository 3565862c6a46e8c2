/**
 * The release bundle (scripts/build/bundle.mjs), built with the real esbuild from a small project
 * with stand-in packages of each module kind, and run with this Node (20 under vitest): the same
 * way `node dist/x2nestos.cjs` runs.
 */
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundle, encodeForComment, packageOf } from '../../../scripts/build/bundle.mjs';
import { decodeFromComment } from '../../../scripts/build/runtime/chunk-loader.mjs';

let project: string;

/** Files of a stand-in project: package.json, node_modules, src. */
const PROJECT: Record<string, string> = {
  'package.json': JSON.stringify({
    name: 'fixture',
    type: 'module',
    dependencies: { 'esm-default': '1', 'esm-named': '1', 'cjs-function': '1', 'cjs-transpiled': '1', 'esm-user': '1' },
  }),
  // An ES module package with a CommonJS build too: the ESM one must be chosen, as Node would.
  'node_modules/esm-default/package.json': JSON.stringify({
    name: 'esm-default',
    type: 'module',
    exports: { '.': { import: './index.js', require: './index.cjs' }, './sub': './sub.js' },
  }),
  'node_modules/esm-default/index.js': [
    "globalThis.evaluated = [...(globalThis.evaluated ?? []), 'esm-default'];",
    "export default { kind: 'esm default' };",
    "export const named = 'esm named';",
    'export class Thing {}',
    'export const where = import.meta.url;',
    'export const strict = (function () { return this === undefined; })();',
  ].join('\n'),
  'node_modules/esm-default/index.cjs': "module.exports = { kind: 'the CommonJS build: wrong condition' };",
  'node_modules/esm-default/sub.js': "export const sub = 'sub';",
  'node_modules/esm-named/package.json': JSON.stringify({ name: 'esm-named', type: 'module', main: 'index.js' }),
  'node_modules/esm-named/index.js':
    "globalThis.evaluated = [...(globalThis.evaluated ?? []), 'esm-named'];\nexport const only = 'no default export';",
  'node_modules/cjs-function/package.json': JSON.stringify({ name: 'cjs-function', main: 'index.js' }),
  'node_modules/cjs-function/index.js': [
    "globalThis.evaluated = [...(globalThis.evaluated ?? []), 'cjs-function'];",
    "module.exports = function f() { return 'cjs function'; };",
    "module.exports.prop = 'cjs prop';",
    // Comment text that would end the comment holding this chunk if it were not encoded.
    "module.exports.tricky = '*/ ~ *~/ /* ~~';",
  ].join('\n'),
  'node_modules/cjs-transpiled/package.json': JSON.stringify({ name: 'cjs-transpiled', main: 'index.js' }),
  'node_modules/cjs-transpiled/index.js':
    "Object.defineProperty(exports, '__esModule', { value: true });\nexports.default = 'transpiled default';\nexports.x = 1;",
  // A dependency that imports another one: both must share the one copy.
  'node_modules/esm-user/package.json': JSON.stringify({ name: 'esm-user', type: 'module', main: 'index.js' }),
  'node_modules/esm-user/index.js': "import { Thing } from 'esm-default';\nexport const SameThing = Thing;",
  'src/lazy.ts': "export const value = 'local module';",
  'src/cli.ts': `
import { only } from 'esm-named';
const out: Record<string, unknown> = { atStartup: [...((globalThis as { evaluated?: string[] }).evaluated ?? [])], only };
void (async () => {
  const d = await import('esm-default');
  Object.assign(out, { esmDefault: d.default, esmNamed: d.named, strict: d.strict, metaUrl: d.where });
  const f = await import('cjs-function');
  Object.assign(out, { cjsCall: f.default(), cjsProp: f.prop, tricky: f.tricky });
  const t = await import('cjs-transpiled');
  Object.assign(out, { transpiledDefault: t.default, transpiledX: (t as unknown as { x: number }).x });
  const u = await import('esm-user');
  const again = await import('esm-default');
  Object.assign(out, { sameClass: u.SameThing === d.Thing, sameModule: again === d });
  out.local = (await import('./lazy.js')).value;
  out.evaluated = (globalThis as { evaluated?: string[] }).evaluated;
  process.stdout.write(JSON.stringify(out));
})();
`,
};

async function writeProject(dir: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
}

/** Runs a bundle copied alone into an empty directory: nothing next to it can help it. */
async function runAlone(bundleFile: string, args: string[] = []): Promise<{ stdout: string; file: string }> {
  const alone = await mkdtemp(join(tmpdir(), 'x2nestos-bundle-alone-'));
  const file = join(alone, 'x2nestos.cjs');
  await copyFile(bundleFile, file);
  const stdout = execFileSync(process.execPath, [file, ...args], { cwd: alone, encoding: 'utf8', env: { PATH: process.env.PATH } });
  return { stdout, file };
}

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), 'x2nestos-bundle-'));
  await writeProject(project, PROJECT);
});

afterAll(async () => {
  await rm(project, { recursive: true, force: true });
});

describe('bundle', () => {
  it('runs alone, with lazily imported local modules and dependencies inside the one file', async () => {
    const outfile = join(project, 'out/lazy.cjs');
    const result = await bundle({ entry: join(project, 'src/cli.ts'), outfile, root: project });
    expect(result.dependencies).toEqual(['cjs-function', 'cjs-transpiled', 'esm-default', 'esm-named', 'esm-user']);

    const { stdout, file } = await runAlone(outfile);
    const out = JSON.parse(stdout);
    expect(out.local).toBe('local module');
    expect(out.esmDefault).toEqual({ kind: 'esm default' });
    expect(out.cjsCall).toBe('cjs function');
    expect(out.tricky).toBe('*/ ~ *~/ /* ~~');
    expect(out.metaUrl).toBe(`file://${file}`);
    expect(out.strict).toBe(true);
  });

  it('gives dependencies the same exports as a plain esbuild bundle, one copy each', async () => {
    const entry = join(project, 'src/cli.ts');
    await bundle({ entry, outfile: join(project, 'out/lazy.cjs'), root: project });
    await bundle({ entry, outfile: join(project, 'out/plain.cjs'), root: project, lazyDependencies: false });
    const lazy = JSON.parse((await runAlone(join(project, 'out/lazy.cjs'))).stdout);
    const plain = JSON.parse((await runAlone(join(project, 'out/plain.cjs'))).stdout);

    const { atStartup: _a, metaUrl: _m, ...lazyRest } = lazy;
    const { atStartup: _b, metaUrl: _n, ...plainRest } = plain;
    expect(lazyRest).toEqual(plainRest);
    expect(lazy.transpiledDefault).toEqual({ default: 'transpiled default', x: 1 });
    expect(lazy.sameClass).toBe(true);
    expect(lazy.sameModule).toBe(true);
  });

  it('runs a dependency only when it is first imported', async () => {
    const outfile = join(project, 'out/lazy.cjs');
    await bundle({ entry: join(project, 'src/cli.ts'), outfile, root: project });
    await bundle({ entry: join(project, 'src/cli.ts'), outfile: join(project, 'out/plain.cjs'), root: project, lazyDependencies: false });
    const lazy = JSON.parse((await runAlone(outfile)).stdout);
    expect(lazy.atStartup).toEqual(['esm-named']);
    expect(lazy.evaluated).toEqual(['esm-named', 'esm-default', 'cjs-function']);
    // The dependencies' code is in the file, inside a comment, not parsed as code at start-up.
    const text = await readFile(outfile, 'utf8');
    expect(text).toContain('function __x2nestos_chunk_sources()');
    expect(text).toMatch(/"cjs-function": function \(\) \{\/\*[^]*cjs function[^]*\*\/\}/);
  });

  it('starts with one hashbang and runs as an executable', async () => {
    const outfile = join(project, 'out/hashbang.cjs');
    await writeProject(project, {
      'src/plain.ts': "process.stdout.write('plain');",
      'src/shebang.ts': "#!/usr/bin/env node\nprocess.stdout.write('shebang');",
    });
    for (const name of ['plain', 'shebang']) {
      await bundle({ entry: join(project, `src/${name}.ts`), outfile, root: project });
      const text = await readFile(outfile, 'utf8');
      expect(text.startsWith('#!/usr/bin/env node\n')).toBe(true);
      expect(text.match(/^#!/gm)).toHaveLength(1);
      expect(execFileSync(outfile, { encoding: 'utf8' })).toBe(name);
    }
  });

  it('refuses a module that esbuild leaves outside the bundle', async () => {
    await writeProject(project, {
      'src/optional.ts': "let m: unknown;\ntry { m = require('not-installed-anywhere'); } catch { m = undefined; }\nexport { m };",
    });
    await expect(bundle({ entry: join(project, 'src/optional.ts'), outfile: join(project, 'out/x.cjs'), root: project })).rejects.toThrow(
      /src\/optional\.ts: require-call 'not-installed-anywhere'/,
    );
  });

  it('refuses one dependency imported under two specifiers', async () => {
    await writeProject(project, {
      'src/twice.ts': "import { named } from 'esm-default';\nimport { sub } from 'esm-default/sub';\nconsole.log(named, sub);",
    });
    await expect(bundle({ entry: join(project, 'src/twice.ts'), outfile: join(project, 'out/x.cjs'), root: project })).rejects.toThrow(
      'esm-default and esm-default/sub',
    );
  });
});

describe('comment encoding of dependency code', () => {
  const samples = ['', '*/', '/*', '~', '~~', '*~/', '~*/', '**//', '*/*/~/~*~/', 'a ~/ b', 'x*\\/y', 'end*'];

  it('round-trips and never contains the end of a comment', () => {
    const random = Array.from({ length: 500 }, (_, i) =>
      Array.from({ length: 1 + (i % 40) }, (_, j) => '*/~ab\\'[(i * 7 + j * 13 + ((i * j) % 5)) % 6]).join(''),
    );
    for (const text of [...samples, ...random]) {
      const encoded = encodeForComment(text);
      expect(encoded).not.toContain('*/');
      expect(decodeFromComment(encoded)).toBe(text);
    }
  });
});

describe('packageOf', () => {
  it('names the package of a specifier', () => {
    expect(packageOf('undici')).toBe('undici');
    expect(packageOf('zod/mini')).toBe('zod');
    expect(packageOf('@inquirer/prompts')).toBe('@inquirer/prompts');
    expect(packageOf('@scope/pkg/deep/file.js')).toBe('@scope/pkg');
  });
});
