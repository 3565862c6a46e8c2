// The X2Error a promise rejects with; fails the test when it resolves or rejects with anything else.
import { expect } from 'vitest';
import { X2Error } from '../../src/errors.js';

export async function caught(p: Promise<unknown>): Promise<X2Error> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(X2Error);
  return error as X2Error;
}
