import tseslint from 'typescript-eslint';

// Side effects live in src/effects/ only: everything else gets a Runner, HostFs or Http injected.
const effectsOnly = {
  paths: [
    { name: 'node:child_process', message: 'spawn through the Runner in src/effects/' },
    { name: 'child_process', message: 'spawn through the Runner in src/effects/' },
    { name: 'execa', message: 'spawn through the Runner in src/effects/' },
    { name: 'undici', message: 'download through the Http in src/effects/' },
  ],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test/e2e/.work/**', 'bench/.work/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['src/**/*.ts', 'distro-adapters/**/*.ts'],
    ignores: ['src/effects/**'],
    rules: {
      'no-restricted-imports': ['error', effectsOnly],
      'no-restricted-globals': ['error', { name: 'fetch', message: 'download through the Http in src/effects/' }],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'exit', message: 'throw an X2Error; src/cli.ts maps it to an exit code' },
        { object: 'process', property: 'env', message: 'read the environment once, in src/runtime.ts' },
      ],
    },
  },
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
