// The shared fake context must fail loudly when a verb reaches for an effect the test did not fake,
// or unit tests of verbs could run a real spawn or signal without anyone noticing.
import { describe, expect, it } from 'vitest';
import { fakeContext } from '../../support/fake-context.js';

describe('fakeContext', () => {
  it('hands out the effects given, records output, and throws naming any other effect', async () => {
    const { ctx, printed, results } = fakeContext('/tmp/nowhere', { effects: { now: () => 42 } });
    expect(ctx.effects.now()).toBe(42);
    expect(() => ctx.effects.spawnNode).toThrow('the verb used effects.spawnNode, which this test did not fake');
    ctx.out.warn('careful');
    ctx.out.result({ ok: true });
    expect(printed).toEqual(['warn: careful']);
    expect(results).toEqual([{ ok: true }]);
    expect(ctx.layout.home).toBe('/tmp/nowhere');
  });
});
