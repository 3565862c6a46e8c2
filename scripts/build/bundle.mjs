/**
 * Bundles the command line into one CommonJS file.
 *
 * Node's single-executable applications run exactly one CommonJS script, and that script's
 * `require` reaches built-in modules only. So every dependency, and every local module the CLI
 * loads lazily with `import('./x.js')`, must end up inside the one file: a module left outside
 * would only fail at run time, on the user's server. `unbundledImports` finds such leftovers in
 * esbuild's metafiles and the build refuses them.
 *
 * Start-up: V8 must parse the whole script before running its first line, about 10 ms per MB
 * here, and the runtime dependencies (undici, zod, systeminformation, ...) weigh about 4 MB. So
 * each dependency named in package.json "dependencies" is bundled on its own, and its code is
 * appended to the bundle inside a comment, which V8 skips almost for free; the first import of
 * the dependency compiles it (runtime/chunk-loader.mjs). Everything still lives in one file, and
 * `node dist/x2nestos.cjs` and the binary run the same code.
 *
 * Run by build.sh with the system Node (20 is enough): node scripts/build/bundle.mjs <entry> <outfile>
 */
import { build, formatMessages } from 'esbuild';
import { chmod, mkdir, open, readFile, rename, writeFile } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const RUNTIME = join(dirname(fileURLToPath(import.meta.url)), 'runtime');
const IMPORT_META_URL_SHIM = join(RUNTIME, 'import-meta-url.mjs');
const CHUNK_LOADER = join(RUNTIME, 'chunk-loader.mjs');

/**
 * Requires that systeminformation wraps in try/catch to read macOS temperature sensors. They are
 * never reached on Linux, so leaving them out of the bundle is correct.
 */
const DARWIN_ONLY_OPTIONAL = new Set(['osx-temperature-sensor', 'macos-temperature-sensor']);

/** Stands for a dependency in the importing build; its exports come from the chunk at run time. */
const STUB = 'x2nestos-dependency';
const STUB_EXPORTS = 'x2nestos-dependency-exports';

/** Options every build shares: the bundle and each dependency chunk. */
function baseOptions() {
  return {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    // ASCII keeps V8's copy of the source one byte per character.
    charset: 'ascii',
    // Dependencies mark their licences as legal comments: keep them in the file that ships.
    legalComments: 'eof',
    // The CommonJS output of ES modules must keep their strict semantics.
    banner: { js: '"use strict";' },
    inject: [IMPORT_META_URL_SHIM],
    define: {
      'import.meta.url': '__x2nestos_import_meta_url',
      'import.meta.filename': '__filename',
      'import.meta.dirname': '__dirname',
    },
    // Any other use of import.meta would silently read undefined at run time: make it an error.
    logOverride: { 'empty-import-meta': 'error' },
    metafile: true,
    write: false,
    logLevel: 'warning',
  };
}

/** `@scope/name/sub` → `@scope/name`, `name/sub` → `name`. */
export function packageOf(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/**
 * Replaces imports of the runtime dependencies (except `self`, the package being chunked) with a
 * stub whose exports are the chunk's, and records each specifier met in `wanted`.
 *
 * The stub is an ES module re-exporting a CommonJS helper that calls the loader. The chunk is
 * built from an .mjs entry, so its exports follow Node's rules (the default export of a CommonJS
 * package is its module.exports); the stub passes them on unchanged.
 */
function dependencyStubs({ dependencies, self, wanted }) {
  return {
    name: 'x2nestos-dependency-stubs',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.path.startsWith(`${STUB_EXPORTS}:`)) {
          return { path: args.path.slice(STUB_EXPORTS.length + 1), namespace: STUB_EXPORTS };
        }
        const pkg = packageOf(args.path);
        if (!dependencies.has(pkg) || pkg === self) return undefined;
        wanted.add(args.path);
        return { path: args.path, namespace: STUB };
      });
      b.onLoad({ filter: /.*/, namespace: STUB }, (args) => {
        const helper = JSON.stringify(`${STUB_EXPORTS}:${args.path}`);
        return { contents: `export * from ${helper};\nexport { default } from ${helper};\n`, loader: 'js' };
      });
      b.onLoad({ filter: /.*/, namespace: STUB_EXPORTS }, (args) => ({
        // __x2nestos_chunk: injected in the bundle, a parameter inside chunks (chunk-loader.mjs).
        contents: `module.exports = __x2nestos_chunk(${JSON.stringify(args.path)});\n`,
        loader: 'js',
      }));
    },
  };
}

/**
 * The binary runs Node 22 while this script may run on Node 20, which lacks some built-ins (for
 * example `node:sqlite`, which undici probes for): any `node:` specifier is the runtime's own.
 */
function isNodeBuiltin(path) {
  return path.startsWith('node:') || isBuiltin(path);
}

/**
 * Imports that esbuild left outside the bundle and that are not Node built-ins. In a
 * single-executable application each of them is a run-time "Cannot find module".
 */
export function unbundledImports(metafile) {
  const leftovers = [];
  for (const [importer, input] of Object.entries(metafile.inputs)) {
    for (const { path, kind, external } of input.imports) {
      // esbuild lists injected files as external imports of every module; they are bundled.
      if (!external || isNodeBuiltin(path) || path === IMPORT_META_URL_SHIM || path === CHUNK_LOADER) continue;
      if (kind === 'require-call' && DARWIN_ONLY_OPTIONAL.has(path)) continue;
      leftovers.push({ importer, path, kind });
    }
  }
  return leftovers;
}

/**
 * Makes `text` safe inside a block comment, reversibly: `~` becomes `~~`, then every `*\/` becomes
 * `*~/`. runtime/chunk-loader.mjs's decodeFromComment undoes it.
 */
export function encodeForComment(text) {
  return text.replaceAll('~', '~~').replaceAll('*/', '*~/');
}

function textOf(result) {
  return new TextDecoder().decode(result.outputFiles[0].contents);
}

/** esbuild's error when the module has no default export: the chunk then exports names only. */
function isMissingDefault(error) {
  return (
    Array.isArray(error?.errors) &&
    error.errors.length > 0 &&
    error.errors.every((e) => /No matching export .* for import "default"/.test(e.text))
  );
}

/** Bundles dependency `specifier` into a CommonJS chunk whose exports are the package's. */
async function buildChunk({ specifier, root, dependencies, wanted }) {
  const reexport = `export * from ${JSON.stringify(specifier)};\n`;
  const withDefault = `${reexport}export { default } from ${JSON.stringify(specifier)};\n`;
  const options = (contents) => ({
    ...baseOptions(),
    absWorkingDir: root,
    // .mjs: Node's interop rules, as in the ES modules of src/ ("type": "module").
    stdin: { contents, resolveDir: root, sourcefile: `x2nestos-dependency-${specifier.replaceAll('/', '+')}.mjs` },
    plugins: [dependencyStubs({ dependencies, self: packageOf(specifier), wanted })],
    // Silent: the first attempt may fail on purpose (no default export); warnings are printed below.
    logLevel: 'silent',
  });
  let result;
  try {
    result = await build(options(withDefault));
  } catch (error) {
    if (!isMissingDefault(error)) throw error;
    result = await build(options(reexport));
  }
  const warnings = await formatMessages(result.warnings, { kind: 'warning', color: false });
  for (const warning of warnings) process.stderr.write(warning);
  return result;
}

/** The text appended to the bundle: one function per dependency, its code inside a comment. */
function chunkSources(chunks) {
  const entries = [...chunks].map(
    ([specifier, code]) => `    ${JSON.stringify(specifier)}: function () {/*${encodeForComment(code)}*/},\n`,
  );
  return (
    '\n// Runtime dependencies, compiled on first import: see scripts/build/bundle.mjs.\n' +
    `function __x2nestos_chunk_sources() {\n  return {\n${entries.join('')}  };\n}\n`
  );
}

async function runtimeDependencies(root) {
  const manifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
  return new Set(Object.keys(manifest.dependencies ?? {}));
}

/** The entry's own hashbang survives bundling; add one only when the entry has none. */
async function startsWithHashbang(file) {
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer.toString('latin1') === '#!';
  } finally {
    await handle.close();
  }
}

function refuseLeftovers(metafiles) {
  const leftovers = metafiles.flatMap(unbundledImports);
  if (leftovers.length === 0) return;
  const list = leftovers.map((l) => `  ${l.importer}: ${l.kind} '${l.path}'`).join('\n');
  throw new Error(
    `these imports are not in the bundle and would fail inside the single binary:\n${list}\n` +
      'import them with a static string (esbuild bundles only those) or add the package to dependencies',
  );
}

/** One package imported under two specifiers would be loaded twice, as two separate copies. */
function refuseTwoSpecifiers(specifiers) {
  const byPackage = new Map();
  for (const specifier of specifiers) {
    byPackage.set(packageOf(specifier), [...(byPackage.get(packageOf(specifier)) ?? []), specifier]);
  }
  const doubled = [...byPackage.values()].filter((list) => list.length > 1);
  if (doubled.length > 0) {
    throw new Error(
      `a dependency is imported under several specifiers, which would load it more than once: ` +
        `${doubled.map((list) => list.join(' and ')).join('; ')}: import one of them everywhere`,
    );
  }
}

/**
 * Bundles `entry` into the executable file `outfile`. `root` holds package.json and node_modules.
 * `lazyDependencies: false` inlines the dependencies as plain esbuild would (the tests compare the
 * two). Returns the dependency specifiers chunked and the size in bytes.
 */
export async function bundle({ entry, outfile, root = process.cwd(), lazyDependencies = true }) {
  const dependencies = lazyDependencies ? await runtimeDependencies(root) : new Set();
  const wanted = new Set();
  const hashbang = (await startsWithHashbang(entry)) ? '' : '#!/usr/bin/env node\n';
  const main = await build({
    ...baseOptions(),
    absWorkingDir: resolve(root),
    entryPoints: [entry],
    outfile,
    banner: { js: `${hashbang}"use strict";` },
    inject: [IMPORT_META_URL_SHIM, CHUNK_LOADER],
    plugins: [dependencyStubs({ dependencies, self: undefined, wanted })],
  });

  // Chunks can import other dependencies, which become chunks in turn.
  const chunks = new Map();
  const metafiles = [main.metafile];
  for (let pending = [...wanted]; pending.length > 0; pending = [...wanted].filter((s) => !chunks.has(s))) {
    for (const specifier of pending.sort()) {
      const chunk = await buildChunk({ specifier, root: resolve(root), dependencies, wanted });
      chunks.set(specifier, textOf(chunk));
      metafiles.push(chunk.metafile);
    }
  }
  refuseLeftovers(metafiles);
  refuseTwoSpecifiers(wanted);

  const sorted = new Map([...chunks].sort(([a], [b]) => (a < b ? -1 : 1)));
  const text = textOf(main) + (sorted.size > 0 ? chunkSources(sorted) : '');
  // Written under a temporary name and renamed: a half-written bundle never carries the real name.
  await mkdir(dirname(resolve(outfile)), { recursive: true });
  const partial = `${outfile}.partial`;
  await writeFile(partial, text, { mode: 0o755 });
  await chmod(partial, 0o755);
  await rename(partial, outfile);
  return { dependencies: [...sorted.keys()], bytes: Buffer.byteLength(text) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [entry, outfile] = process.argv.slice(2);
  if (!entry || !outfile) {
    process.stderr.write('usage: node scripts/build/bundle.mjs <entry.ts> <outfile.cjs>\n');
    process.exitCode = 2;
  } else {
    try {
      const { dependencies, bytes } = await bundle({ entry, outfile });
      const lazily = dependencies.length > 0 ? `; compiled on first import: ${dependencies.join(', ')}` : '';
      process.stdout.write(`bundle: ${bytes} bytes${lazily}\n`);
    } catch (error) {
      // esbuild has already printed its own diagnostics; ours is the summary line.
      process.stderr.write(`bundle: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    }
  }
}
