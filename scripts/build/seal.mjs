/**
 * Seals the bundle into Node 22 single-executable binaries with @yao-pkg/pkg's plain SEA mode.
 *
 * Why this script instead of the `pkg` command line: the command line gives no way to pass
 * sea-config fields, and the binary needs two of them (see SEA_CONFIG). pkg's `sea()` takes them,
 * and still does the rest: finds the cached Node binary per target, generates the blob with a Node
 * of exactly the target version, and injects it with postject.
 *
 * Must run on Node >= 22 (pkg refuses older hosts): build.sh runs it with the Node 22 binary it
 * laid into pkg's cache. pkg finds Node binaries under `os.homedir()/.pkg-cache/sea`, so build.sh
 * points HOME at the project-local cache for this step.
 *
 * usage: node scripts/build/seal.mjs <bundle.cjs> <node-version> <arch>=<output> [<arch>=<output>...]
 */
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);

/**
 * A root tool must not run code named by its environment.
 * - execArgvExtension "none": the binary ignores NODE_OPTIONS (and --node-options), so
 *   `NODE_OPTIONS='--require x.js'` or `--inspect` cannot reach it. A check at the top of the bundle
 *   could not do this: Node runs NODE_OPTIONS preloads before the bundle's first line.
 * - execArgv --openssl-config=/dev/null: Node otherwise reads the file named by OPENSSL_CONF at
 *   start-up, and an OpenSSL config can load any shared library as an "engine". Node only reads
 *   its own `nodejs_conf` section, which no distribution's openssl.cnf has, so nothing is lost.
 */
export const SEA_CONFIG = {
  disableExperimentalSEAWarning: true,
  // Both off: each is CPU specific while one blob serves both arches, and a code cache differs
  // from one generation to the next (measured), which would end byte-for-byte reproducibility.
  useSnapshot: false,
  useCodeCache: false,
  execArgvExtension: 'none',
  execArgv: ['--openssl-config=/dev/null'],
};

/**
 * pkg asks nodejs.org for a Node binary when its cache does not hold the target. The build must
 * never do that (only the npm registry is trusted and reachable, and the binary must be the one
 * verified from it), so any attempt fails loudly instead of downloading.
 */
function forbidNetwork() {
  globalThis.fetch = async (url) => {
    throw new Error(
      `pkg tried to download ${String(url)}: its cache does not hold the Node binary for a target ` +
        '(build.sh lays it out under .cache/pkg-home/.pkg-cache/sea)',
    );
  };
}

/**
 * The blob records the main script's path exactly as sea-config names it, and pkg names it by the
 * bundle's absolute path, which differs between checkouts: the same source would give different
 * binaries. pkg generates the blob inside `mkdtemp(os.tmpdir() + '/pkg-sea-')` and lets seaConfig
 * override `main`, so with TMPDIR pointing at a private directory that holds a copy of the bundle,
 * the relative name `../x2nestos.cjs` reads the same file and records the same bytes everywhere.
 * At run time that name is what stack traces call the script (`at f (../x2nestos.cjs:12:3)`), while
 * `__filename` is the executable's own path.
 */
async function withBundleAtFixedName(bundle, run) {
  const stage = await mkdtemp(join(tmpdir(), 'x2nestos-seal-'));
  const previousTmpdir = process.env.TMPDIR;
  try {
    await copyFile(bundle, join(stage, 'x2nestos.cjs'));
    process.env.TMPDIR = stage;
    return await run(join(stage, 'x2nestos.cjs'), '../x2nestos.cjs');
  } finally {
    if (previousTmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previousTmpdir;
    await rm(stage, { recursive: true, force: true });
  }
}

export async function seal({ bundle, nodeVersion, targets }) {
  const { default: sea } = require('@yao-pkg/pkg/lib-es5/sea.js');
  if (typeof sea !== 'function') {
    throw new Error('@yao-pkg/pkg no longer exports sea() from lib-es5/sea.js: adapt scripts/build/seal.mjs');
  }
  forbidNetwork();
  // pkg changes into a temporary directory while baking: outputs must be absolute.
  const pkgTargets = targets.map(({ arch, output }) => ({
    nodeRange: `node${nodeVersion}`,
    platform: 'linux',
    arch,
    output: resolve(output),
  }));
  await withBundleAtFixedName(resolve(bundle), (staged, mainFromPkgTmpdir) =>
    sea(staged, { seaConfig: { ...SEA_CONFIG, main: mainFromPkgTmpdir }, targets: pkgTargets }),
  );
}

function parseTarget(spec) {
  const [arch, output] = spec.split('=');
  if (!arch || !output) throw new Error(`target must read <arch>=<output>, got '${spec}'`);
  return { arch, output };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [bundle, nodeVersion, ...targetSpecs] = process.argv.slice(2);
  if (!bundle || !nodeVersion || targetSpecs.length === 0) {
    process.stderr.write('usage: node scripts/build/seal.mjs <bundle.cjs> <node-version> <arch>=<output>...\n');
    process.exitCode = 2;
  } else {
    try {
      await seal({ bundle, nodeVersion, targets: targetSpecs.map(parseTarget) });
    } catch (error) {
      process.stderr.write(`seal: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    }
  }
}
