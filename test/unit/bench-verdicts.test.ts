// The benchmark's own verdicts (scripts/bench): what counts as a lost deployment, and how redials are read.
import { describe, expect, it } from 'vitest';
import { dialsTo } from '../../scripts/bench/cooldown-cost.js';
import { lost } from '../../scripts/bench/correctness.js';

describe('lost deployments', () => {
  const run = { rep: 0, missingOn: [] as number[], createFailed: null as string | null, error: null as string | null };
  it('is not lost when every node holds it and the create through the last node worked', () => {
    expect(lost(run)).toBe(false);
  });
  it('is lost when a node lacks it, the create failed, or the run itself failed', () => {
    expect(lost({ ...run, missingOn: [2] })).toBe(true);
    expect(lost({ ...run, createFailed: 'HTTP 400' })).toBe(true);
    expect(lost({ ...run, error: 'start failed' })).toBe(true);
  });
});

describe('redials to a dead peer', () => {
  it('sums every outcome of the attempts aimed at that peer, and only those', () => {
    const text = [
      '# TYPE nanobpm_peer_connect_attempts_total counter',
      'nanobpm_peer_connect_attempts_total{outcome="ok",target="2"} 1',
      'nanobpm_peer_connect_attempts_total{outcome="fail",target="2"} 41',
      'nanobpm_peer_connect_attempts_total{outcome="fail",target="1"} 7',
      'nanobpm_other{target="2"} 99',
    ].join('\n');
    expect(dialsTo(text, 2)).toBe(42);
    expect(dialsTo(text, 1)).toBe(7);
    expect(dialsTo('', 2)).toBe(0);
  });
});
