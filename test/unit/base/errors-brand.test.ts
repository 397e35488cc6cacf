// `drill` runs from a bundle of its own (dist/src/drill.cjs), with its own copy of errors.ts: a
// UserError it throws must still be one to the program that reports it, or a refusal would print as
// "Unexpected failure". The check is the brand every copy of the class sets (a global symbol), not
// the class object; a look-alike without it is not one, and subclasses keep the ordinary check.
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.js';
import { UnsafePermissionsError } from '../../../src/os/trusted-path.js';

describe('UserError across bundles', () => {
  it('is recognised by the brand another copy of the class sets, and only by it', () => {
    const fromAnotherCopy = new Error('refused');
    Object.defineProperty(fromAnotherCopy, Symbol.for('c8ctl-plugin-nano.UserError'), { value: true });
    expect(fromAnotherCopy instanceof UserError).toBe(true);
    expect(new UserError('ours') instanceof UserError).toBe(true);
    const lookalike = Object.assign(new Error('x'), { name: 'UserError', code: 'error', exitCode: 1 });
    expect(lookalike instanceof UserError).toBe(false);
    expect((null as unknown as object) instanceof UserError).toBe(false);
  });

  it('leaves the subclasses their own check', () => {
    expect(new UserError('plain') instanceof UnsafePermissionsError).toBe(false);
  });
});
