// The benchmark's own verdicts (scripts/bench): what counts as a lost deployment, and how redials are read.
import { describe, expect, it } from 'vitest';
import { dialsTo } from '../../../scripts/bench/cooldown-cost.js';
import { lost } from '../../../scripts/bench/correctness.js';
import { buildRows } from '../../../scripts/bench/report.js';
import { record, series } from '../../../scripts/bench/samples.js';

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
      record('node-empty-start', rep, 90, { beside: 'start-3' }); // the start phase, a slow one
      record('node-empty-start', rep, 200, { beside: 'start-16' }); // beside another case: not start 3's floor
      record('node-empty-status', rep, 80);
      record('floor-start-3', rep, 100);
      record('start-3', rep, 240);
      record('status-healthy', rep, 95);
      record('status-frozen', rep, 105 + rep);
      record('node-loader-in-use', rep, 66);
      record('entry-import-in-use', rep, 69);
    }
    const row = (id: string) => buildRows().find((r) => r.id === id)!;
    expect(row('start-3')).toMatchObject({ overhead: 50, met: true });
    expect(row('status-healthy')).toMatchObject({ floorMedian: 80, overhead: 15, met: true });
    // A frozen node is judged against the same bare node: 25-27 ms over it misses "floor + 20".
    expect(row('status-frozen')).toMatchObject({ floorMedian: 80, overhead: 26, met: false });
    expect(row('entry-import-in-use')).toMatchObject({ floorMedian: 66, overhead: 3, met: true });
    series.clear();
  });

  it('take the overhead within each repetition, so a drift of the VM between repetitions cancels', () => {
    series.clear();
    // A fast minute, then a slow one: the entry costs 3-6 ms more than the bare node beside it.
    const bare = [60, 62, 88, 90, 92];
    const extra = [4, 5, 3, 4, 6];
    bare.forEach((ms, rep) => {
      record('node-loader-in-use', rep, ms);
      record('entry-import-in-use', rep, ms + extra[rep]!);
    });
    // The medians (88, 91) differ by 3; the differences within a repetition have the median 4.
    const row = buildRows().find((r) => r.id === 'entry-import-in-use')!;
    expect(row).toMatchObject({ median: 91, floorMedian: 88, overhead: 4, met: true });
    // A repetition whose floor failed has no pair, and is left out of the overhead.
    record('entry-import-in-use', 5, 200);
    expect(buildRows().find((r) => r.id === 'entry-import-in-use')!.overhead).toBe(4);
    series.clear();
  });
});
