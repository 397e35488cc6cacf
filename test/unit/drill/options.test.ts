// drill's flags: defaults that finish in well under a minute, bounds that keep a drill finite, and a
// one-line refusal naming the value for each mistake.
import { describe, expect, it } from 'vitest';
import { parseDrillOptions, parseTarget } from '../../../src/drill/options.js';

describe('drill options', () => {
  it('defaults to pausing the leader of partition 1 for 8 s under 10 creates a second', () => {
    const o = parseDrillOptions(undefined, {});
    expect(o).toMatchObject({
      fault: 'pause',
      target: { kind: 'leader-of', partition: 1 },
      atMs: 3000,
      forMs: 8000,
      settleMs: 30_000,
      afterMs: 3000,
      ratePerSecond: 10,
      deadlineMs: 2000,
      withTask: true,
      report: null,
    });
    expect(o.atMs + o.forMs + o.afterMs).toBeLessThan(60_000);
  });

  it('reads roles and node ids as targets', () => {
    expect(parseTarget('--target', '2')).toEqual({ kind: 'node', id: 2 });
    expect(parseTarget('--target', 'leader-of:3')).toEqual({ kind: 'leader-of', partition: 3 });
    expect(parseTarget('--target', 'owner-of:1')).toEqual({ kind: 'owner-of', partition: 1 });
    expect(parseTarget('--target', 'any-follower')).toEqual({ kind: 'any-follower' });
    expect(() => parseTarget('--target', 'leader-of:0')).toThrow(/--target "leader-of:0" is neither/);
    expect(() => parseTarget('--target', 'leader')).toThrow(/leader-of:1/);
  });

  it('refuses an unknown fault, and flags that belong to another fault', () => {
    expect(() => parseDrillOptions('crash', {})).toThrow(/Unknown fault "crash": choose one of pause, kill/);
    expect(() => parseDrillOptions('pause', { refuse: true })).toThrow(/--refuse is for isolate and cut, not pause/);
    expect(() => parseDrillOptions('kill', { delay: '100' })).toThrow(/--delay is for slow, not kill/);
    expect(() => parseDrillOptions('isolate', { peer: '1' })).toThrow(/--peer is for cut, not isolate/);
  });

  it('bounds every number, naming the flag and the range', () => {
    expect(() => parseDrillOptions(undefined, { rate: '0' })).toThrow(
      '--rate "0" must be a whole number from 1 to 100',
    );
    expect(() => parseDrillOptions(undefined, { rate: '1000' })).toThrow(/from 1 to 100/);
    expect(() => parseDrillOptions(undefined, { for: '0' })).toThrow(/--for "0" must be a whole number from 1 to 120/);
    expect(() => parseDrillOptions(undefined, { settle: '1.5' })).toThrow(/--settle "1.5"/);
    expect(() => parseDrillOptions(undefined, { deadline: '50' })).toThrow(
      /--deadline "50" must be .* from 100 to 30000/,
    );
    expect(parseDrillOptions('slow', { delay: '50', jitter: '10', at: '0' })).toMatchObject({
      delayMs: 50,
      jitterMs: 10,
      atMs: 0,
    });
  });
});
