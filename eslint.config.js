import tseslint from 'typescript-eslint';

// The layers, written once: what each folder of src/ (and distro-adapters/) may import besides its
// own files. docs/architecture.md and the README describe this table; lint enforces it. `errors`
// and `version` are the files src/errors.ts and src/version.ts. `commands/` (the composition layer)
// and src/cli.ts may import every layer; they are not listed because nothing restricts them.
const LAYERS = {
  model: ['errors'],
  formats: ['errors'],
  effects: ['errors', 'formats'],
  i18n: [],
  options: ['errors'],
  transport: ['effects', 'errors'],
  network: ['effects', 'errors', 'model'],
  ignition: ['effects', 'errors', 'model'],
  identity: ['ignition', 'effects', 'errors', 'model'],
  facts: ['network', 'effects', 'errors', 'model'],
  'distro-adapters': ['facts', 'effects', 'errors', 'model'],
  release: ['formats', 'transport', 'options', 'effects', 'errors', 'model'],
  fetch: ['formats', 'transport', 'effects', 'errors', 'model'],
  payload: ['formats', 'facts', 'ignition', 'errors', 'model'],
  plan: ['payload', 'facts', 'network', 'ignition', 'options', 'errors', 'model'],
  stage: ['plan', 'payload', 'facts', 'effects', 'errors', 'model'],
  switch: ['stage', 'plan', 'facts', 'effects', 'errors', 'model'],
  output: ['plan', 'network', 'i18n', 'effects', 'errors', 'model', 'version'],
  runtime: ['effects'],
  guided: ['plan', 'facts', 'identity', 'ignition', 'network', 'options', 'i18n', 'errors', 'model'],
  commands: null,
};
const FILES = ['errors', 'version', 'cli'];

// The pure folders: no file system, processes or network of their own. They may name the effects'
// interfaces (Runner, HostFs, Http) in types, to be handed an implementation; never import one.
const PURE = ['model', 'formats', 'network', 'ignition', 'identity', 'facts', 'payload', 'plan'];

// Side effects live in src/effects/ only: everything else gets a Runner, HostFs or Http injected.
const effectsOnly = [
  { name: 'node:child_process', message: 'spawn through the Runner in src/effects/' },
  { name: 'child_process', message: 'spawn through the Runner in src/effects/' },
  { name: 'execa', message: 'spawn through the Runner in src/effects/' },
  { name: 'undici', message: 'download through the Http in src/effects/' },
];
const fenced = (name) => ({ name, message: 'a pure folder: read and write through the HostFs, Runner or Http injected from src/effects/' });
const pureOnly = [
  ...['node:fs', 'fs', 'node:fs/promises', 'fs/promises', 'node:http', 'http', 'node:https', 'https', 'node:dgram', 'dgram'].map(fenced),
  // node:net's address helpers are pure functions; its sockets are not.
  { ...fenced('node:net'), allowImportNames: ['isIP', 'isIPv4', 'isIPv6', 'BlockList'] },
  { ...fenced('net'), allowImportNames: ['isIP', 'isIPv4', 'isIPv6', 'BlockList'] },
];

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
/** An import specifier that leaves the importing folder for `layer` (relative, from any depth). */
const reaching = (layer) =>
  layer === 'distro-adapters'
    ? '^(\\.\\./)+distro-adapters/'
    : FILES.includes(layer)
      ? `^(\\.\\./)+(src/)?${escape(layer)}\\.js$`
      : `^(\\.\\./)+(src/)?${escape(layer)}/`;

function layerRules(folder, allowed) {
  const pure = PURE.includes(folder);
  const others = [...Object.keys(LAYERS), ...FILES].filter((layer) => layer !== folder && !allowed.includes(layer));
  const patterns = others.map((layer) => ({
    regex: reaching(layer),
    message: `${folder}/ may import only ${allowed.length > 0 ? allowed.join(', ') : 'its own files'} (the layer table in eslint.config.js, docs/architecture.md)`,
  }));
  if (pure && allowed.includes('effects')) {
    patterns.push({
      regex: reaching('effects'),
      allowTypeImports: true,
      message: `${folder}/ is pure: it may name the effects' interfaces in types (import type) and gets them injected`,
    });
  }
  return {
    files: [folder === 'distro-adapters' ? 'distro-adapters/**/*.ts' : `src/${folder}/**/*.ts`],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { paths: folder === 'effects' ? [] : [...effectsOnly, ...(pure ? pureOnly : [])], patterns },
      ],
      // A dynamic import() to another folder would slip past the table (and could hide a cycle):
      // only the composition layer (src/cli.ts, src/commands/) loads other layers lazily.
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ImportExpression[source.value=/^\\.\\.\\//]',
          message: 'import other layers statically; lazy loading of layers belongs to src/cli.ts and src/commands/',
        },
      ],
      ...(pure
        ? { 'no-restricted-globals': ['error', { name: 'fetch', message: 'a pure folder: download through the injected Http' }] }
        : {}),
    },
  };
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test/e2e/.work/**', 'bench/.work/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['src/**/*.ts', 'distro-adapters/**/*.ts'],
    ignores: ['src/effects/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: effectsOnly }],
      'no-restricted-globals': ['error', { name: 'fetch', message: 'download through the Http in src/effects/' }],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'exit', message: 'throw an X2Error; src/cli.ts maps it to an exit code' },
        { object: 'process', property: 'env', message: 'read the environment once, in src/runtime.ts' },
      ],
    },
  },
  ...Object.entries(LAYERS)
    .filter(([, allowed]) => allowed !== null)
    .map(([folder, allowed]) => layerRules(folder, allowed)),
  {
    // The entry point is where outcomes become exit codes, including the immediate exit on an
    // interrupt before anything was changed.
    files: ['src/cli.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
);
