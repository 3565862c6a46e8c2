// Refuse to run tests without the host guard in place (see vitest.config.ts).
import { GUARD_ENV } from '../src/effects/guard.js';

export default function setup(): void {
  process.env[GUARD_ENV] = '1';
}
