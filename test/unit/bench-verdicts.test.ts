// The benchmark's own verdicts (scripts/bench): what counts as a lost deployment, and how redials are read.
import { describe, expect, it } from 'vitest';
import { dialsTo } from '../../scripts/bench/cooldown-cost.js';
import { lost } from '../../scripts/bench/correctness.js';
import { buildRows } from '../../scripts/bench/report.js';
import { record, series } from '../../scripts/bench/samples.js';

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

describe('the floors of the table', () => {
  it('compare start and status with the bare node timed beside them, not with the one of the first phase', () => {
    series.clear();
    for (let rep = 0; rep < 3; rep += 1) {
      record('node-empty', rep, 60); // the imports phase, a fast minute
      record('node-empty-start', rep, 90); // the start phase, a slow one
      record('node-empty-status', rep, 80);
      record('floor-start-3', rep, 100);
      record('start-3', rep, 240);
      record('status-healthy', rep, 115);
      record('entry-import', rep, 64);
    }
    const row = (id: string) => buildRows().find((r) => r.id === id)!;
    expect(row('start-3')).toMatchObject({ floorMedian: 190, overhead: 50, met: true });
    expect(row('status-healthy')).toMatchObject({ floorMedian: 80, overhead: 35, met: true });
    expect(row('entry-import')).toMatchObject({ floorMedian: 60, overhead: 4, met: true });
    series.clear();
  });
});
