// What `drill` prints (issue 26): the verdict with what to do next, the table, and the timeline, in an
// 80-column terminal without colour. The text of the three endings is pinned in test/golden/drill/,
// so a change shows in review as a diff of what users read.
import { describe, expect, it } from 'vitest';
import { renderDrill } from '../../../src/commands/drill-render.js';
import type { DrillResult } from '../../../src/results/drill.js';
import { type DrillEnding, drillResult } from '../../support/drill-results.js';

const prog = 'c8ctl-nano';
const ENDINGS: readonly DrillEnding[] = ['whole', 'lost', 'not-converged'];

/** A result that did not converge for another reason than a displacement. */
function notConverged(
  final: Partial<DrillResult['final']>,
  replication: 'quorum' | 'leader-durable' = 'quorum',
): DrillResult {
  const base = drillResult('not-converged');
  return {
    ...base,
    cluster: { ...base.cluster, replication },
    final: { ...base.final, displaced: [], recovering: [], leaderless: [], ...final },
  };
}

/** A long drill with no fault, an engine message with no space to break at, many error kinds and leader changes. */
function awkward(): DrillResult {
  const base = drillResult('whole');
  const buckets = 4_000;
  return {
    ...base,
    fault: {
      ...base.fault,
      kind: 'none',
      target: 'none',
      node: null,
      ledPartitions: [],
      startedAtMs: null,
      healedAtMs: null,
    },
    timings: { ...base.timings, detectMs: null, newLeader: [], convergedMs: null },
    errors: [
      { kind: `create: HTTP 503 ${'x'.repeat(150)}`, count: 3 },
      ...['a', 'b', 'c', 'd', 'e'].map((k) => ({ kind: `read: ${k}`, count: 1 })),
    ],
    timeline: {
      ...base.timeline,
      nodes: base.timeline.nodes.map((n) => ({ ...n, strip: n.strip.repeat(buckets / 200) })),
      events: [],
      leaderChanges: Array.from({ length: 9 }, (_, i) => ({
        atMs: 1_000 * i,
        partition: 2,
        from: i % 3,
        to: (i + 1) % 3,
      })),
    },
    durationMs: buckets * 100,
  };
}

describe('drill rendering', () => {
  for (const ending of ENDINGS)
    it(`a ${ending} drill, at 80 columns`, async () => {
      const text = renderDrill(drillResult(ending), { width: 80, prog }).join('\n');
      await expect(text).toMatchFileSnapshot(`../../golden/drill/${ending}.txt`);
    });

  it('fits the width, in plain characters, whatever the result', () => {
    const results = [...ENDINGS.map(drillResult), awkward(), notConverged({ convergence: 'moving', leaderless: [2] })];
    for (const result of results)
      for (const width of [60, 80, 100]) {
        const lines = renderDrill(result, { width, prog });
        const long = lines.filter((line) => [...line].length > width);
        expect(long, `width ${width}`).toEqual([]);
        expect(lines.join('\n')).not.toMatch(/\x1b/);
      }
  });

  it('marks the fault, the heal and the convergence under the columns of their time', () => {
    const lines = renderDrill(drillResult('whole'), { width: 80, prog });
    const strip = lines.find((l) => l.includes('node 1 │'))!;
    const first = strip.indexOf('│') + 1;
    const marks = lines[lines.indexOf(strip) + 2]!;
    // 200 buckets of 100 ms in at most 69 columns: 3 buckets, 0.3 s, a column.
    expect(lines).toContain('Timeline: what a client saw through each node, 0.3 s a column');
    expect(marks.indexOf('F') - first).toBe(Math.floor(3_000 / 300));
    expect(marks.indexOf('H') - first).toBe(Math.floor(11_000 / 300));
    expect(marks.indexOf('C') - first).toBe(Math.floor(13_000 / 300));
    // Node 1 was paused from 3 s: its requests hung to their deadline from that column on.
    expect(strip.slice(first + 10, first + 20)).toBe('?'.repeat(10));
    expect(strip.slice(first, first + 9)).toBe('█'.repeat(9));
  });

  it('says what to do next for each way of not converging', () => {
    const headline = (r: DrillResult): string => renderDrill(r, { width: 400, prog })[0]!;
    expect(headline(drillResult('not-converged'))).toMatch(
      /^✗ Not converged within 8\.0 s of the heal: partition 1 is led by node 2, not its owner node 1.*"c8ctl-nano restart --replication leader-durable"\.$/,
    );
    const displaced = drillResult('not-converged').final;
    expect(headline(notConverged({ ...displaced, convergence: 'displaced' }, 'leader-durable'))).toMatch(
      /keeping the data: "c8ctl-nano restart"\.$/,
    );
    expect(headline(notConverged({ convergence: 'contested' }))).toMatch(/contesting.*"c8ctl-nano restart"\.$/);
    expect(headline(notConverged({ convergence: 'moving', leaderless: [2, 3] }))).toMatch(
      /partitions 2, 3 without a leader.*"c8ctl-nano status --watch"/,
    );
    expect(headline(notConverged({ convergence: 'unknown' }))).toMatch(/no node answered.*"c8ctl-nano status"/);
  });

  it('calls a loss an engine bug, and names duplicates', () => {
    const lost = drillResult('lost');
    expect(renderDrill(lost, { width: 400, prog })[0]).toMatch(
      /^⚠ Lost: .*2 of \d+ acknowledged.*engine bug worth reporting/,
    );
    const duplicated = { ...lost, checks: { ...lost.checks, acknowledgedLost: 0, lostKeys: [], duplicateKeys: ['7'] } };
    expect(renderDrill(duplicated, { width: 400, prog })[0]).toMatch(/but 1 key was handed out twice\./);
  });

  it('lists the first leader changes and the top error kinds, and sums up the rest', () => {
    const text = renderDrill(awkward(), { width: 80, prog }).join('\n');
    expect(text).toContain('and 4 more leader changes (--json lists them)');
    expect(text).toContain('and 2 more kinds (--json lists them)');
    expect(text).toContain('no fault: the workload alone');
    // 400 s in at most 69 columns: 6 s a column, the axis in steps of a minute.
    expect(text).toContain('6 s a column');
    expect(text).toMatch(/0 s {7}60 s {6}120 s/);
  });
});
