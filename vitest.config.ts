import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Every test process, and every child a test spawns, runs under the host guard: no test can load
// or execute a kernel or install a package on the machine running the tests (src/effects/guard.ts).
const guardEnv = { X2NESTOS_FORBID_HOST_CHANGES: '1', NO_COLOR: '1' };

export default defineConfig({
  test: {
    env: guardEnv,
    // Vitest's default is one worker per core less one: a single worker on a 2-core CI machine. The
    // CLI test files spend most of their time waiting on the binaries they start, so two files at a
    // time fit on two cores (measured in a CI run there: 418 s → 243 s for the whole suite).
    maxWorkers: Math.max(2, availableParallelism() - 1),
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
