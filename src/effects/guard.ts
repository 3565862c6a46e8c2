/**
 * The host guard: the last gate before anything that changes the machine (loading or executing a
 * kernel, installing packages, writing outside the work directory).
 *
 * Test processes set X2NESTOS_FORBID_HOST_CHANGES=1 (vitest.config.ts sets it for every test and
 * every child the tests spawn, and .ci/run exports it), so a slip in a test can never switch the
 * CI machine's kernel: the guard throws before the command is spawned. Conversions that are meant
 * to be real only happen inside QEMU guests, where the variable is not set.
 */
import { X2Error } from '../errors.js';

export const GUARD_ENV = 'X2NESTOS_FORBID_HOST_CHANGES';

export interface HostGuard {
  /** Throws when host changes are forbidden in this process. */
  assertAllowed(what: string): void;
  readonly forbidden: boolean;
}

export function hostGuard(env: NodeJS.ProcessEnv | Record<string, string | undefined>): HostGuard {
  const forbidden = (env[GUARD_ENV] ?? '') !== '' && env[GUARD_ENV] !== '0';
  return {
    forbidden,
    assertAllowed(what: string): void {
      if (forbidden) {
        throw new X2Error('internal', `refusing to ${what}: ${GUARD_ENV} is set in this process`, {
          remedy: 'host changes are forbidden under the test guard; run real conversions only inside a VM',
        });
      }
    },
  };
}
