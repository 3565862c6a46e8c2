import { defineConfig } from 'vitest/config';

// Every test process, and every child a test spawns, runs under the host guard: no test can load
// or execute a kernel or install a package on the machine running the tests (src/effects/guard.ts).
const guardEnv = { X2NESTOS_FORBID_HOST_CHANGES: '1', NO_COLOR: '1' };

export default defineConfig({
  test: {
    env: guardEnv,
    globalSetup: ['test/guard-setup.ts'],
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts', 'distro-adapters/**/*.test.ts'], testTimeout: 30_000 },
      },
      {
        extends: true,
        test: { name: 'cli', include: ['test/cli/**/*.test.ts'], testTimeout: 60_000 },
      },
    ],
  },
});
