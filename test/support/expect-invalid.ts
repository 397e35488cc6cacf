// Asserts that a call throws the user error for bad input, with these fragments in its message.
import { expect } from 'vitest';
import { UserError } from '../../src/errors.js';

export function expectInvalid(run: () => unknown, ...fragments: string[]): UserError {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(UserError);
  const error = caught as UserError;
  expect(error.exitCode).toBe(1);
  expect(error.code).toBe('invalid-argument');
  for (const fragment of fragments) expect(error.message).toContain(fragment);
  return error;
}
