// The drill's HTML report (issue 26): self-contained, the whole result embedded as data, every string
// escaped, the same figures as the terminal, and phase bands where the drill's moments put them.
// That its script really draws the SVG is proven in a browser: test/e2e/drill-report.test.ts.
import { describe, expect, it } from 'vitest';
import { drillFigures } from '../../../src/drill/figures.js';
import {
  drillPhases,
  drillReportHtml,
  escapeHtml,
  jsonForScript,
  timelineMarks,
} from '../../../src/drill/report-html.js';
import type { DrillResult } from '../../../src/results/drill.js';
import { drillResult } from '../../support/drill-results.js';

const HOSTILE = `</script><script>alert(1)</script><img src=x onerror=alert(2)> & "quoted" 'too'`;

/** A result carrying markup everywhere the outside world's words reach: event details, engine messages, a target. */
function hostile(): DrillResult {
  const base = drillResult('whole');
  return {
    ...base,
    fault: { ...base.fault, target: HOSTILE, node: null },
    errors: [{ kind: `create: HTTP 500 ${HOSTILE}`, count: 2 }, ...base.errors],
    timeline: {
      ...base.timeline,
      events: base.timeline.events.map((e) => ({ ...e, detail: `${e.detail} ${HOSTILE}` })),
    },
  };
}

/** The text of the script element with this id. */
function scriptText(html: string, id: string): string {
  const match = new RegExp(`<script type="application/json" id="${id}">([^<]*)</script>`).exec(html);
  if (!match) throw new Error(`no ${id} in the report`);
  return match[1]!;
}

describe('the drill HTML report', () => {
  it('keeps hostile text inert: escaped in the markup, unable to close the data script', () => {
    const result = hostile();
    const html = drillReportHtml(result);
    // Only our three scripts: the result, the layout, the renderer. No tag of theirs opens.
    expect(html.match(/<script/g)).toHaveLength(3);
    expect(html).not.toContain('<img');
    expect(html).not.toMatch(/<\/script><script>alert/);
    expect(html).toContain(escapeHtml(`paused node 1 (SIGSTOP) ${HOSTILE}`));
    expect(escapeHtml(HOSTILE)).toBe(
      '&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt; &amp; &quot;quoted&quot; &#39;too&#39;',
    );
    // The embedded data is the result itself, whole, whatever it holds.
    expect(JSON.parse(scriptText(html, 'drill-data'))).toEqual(result);
    expect(JSON.parse(scriptText(html, 'drill-layout')).marks[0].title).toContain(HOSTILE);
  });

  it('escapes what ends a script or a line in JavaScript inside the JSON', () => {
    const text = jsonForScript({ a: '</script><!-- & \u2028\u2029' });
    expect(text).toBe('{"a":"\\u003c/script\\u003e\\u003c!-- \\u0026 \\u2028\\u2029"}');
    expect(JSON.parse(text)).toEqual({ a: '</script><!-- & \u2028\u2029' });
  });

  it('needs nothing from outside: no link, source or URL, and a policy that forbids fetching', () => {
    const html = drillReportHtml(drillResult('not-converged'));
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none';/);
    expect(html).not.toMatch(/<link|\ssrc=|\shref=|url\(|@import/);
    // The one URL is the SVG namespace the script creates elements in.
    expect([...html.matchAll(/https?:\/\/[^\s'"]+/g)].map((m) => m[0])).toEqual(['http://www.w3.org/2000/svg']);
  });

  it('shows the verdict, its next step and the same figures as the terminal', () => {
    const result = drillResult('not-converged');
    const html = drillReportHtml(result, { prog: 'c8ctl-nano' });
    expect(html).toContain('<title>Drill: pause of node 1 — not-converged</title>');
    expect(html).toMatch(/<p class="verdict not-converged"><span class="mark">✗<\/span> Not converged within 8\.0 s/);
    expect(html).toContain('&quot;c8ctl-nano restart --replication leader-durable&quot;');
    const rows = [...html.matchAll(/<tr><th scope="row">([^<]+)<\/th>/g)].map((m) => m[1]);
    expect(rows).toEqual(drillFigures(result).map((f) => f.label));
    expect(drillReportHtml(result)).toContain('&quot;c8ctl nano restart');
  });

  it('places the phase bands at the fault, the heal and the convergence', () => {
    expect(drillPhases(drillResult('whole'))).toEqual([
      { phase: 'before', fromMs: 0, toMs: 3_000 },
      { phase: 'fault', fromMs: 3_000, toMs: 11_000 },
      { phase: 'settling', fromMs: 11_000, toMs: 13_000 },
      { phase: 'after', fromMs: 13_000, toMs: 20_000 },
    ]);
    // Not converged: settling to the end, no "after".
    expect(drillPhases(drillResult('not-converged')).slice(2)).toEqual([
      { phase: 'settling', fromMs: 11_000, toMs: 20_000 },
    ]);
  });

  it('has one phase without a fault, and a fault to the end without a heal', () => {
    const base = drillResult('whole');
    expect(
      drillPhases({ ...base, fault: { ...base.fault, kind: 'none', startedAtMs: null, healedAtMs: null } }),
    ).toEqual([{ phase: 'before', fromMs: 0, toMs: 20_000 }]);
    const interrupted = {
      ...base,
      fault: { ...base.fault, healedAtMs: null },
      timings: { ...base.timings, convergedMs: null },
    };
    expect(drillPhases(interrupted)).toEqual([
      { phase: 'before', fromMs: 0, toMs: 3_000 },
      { phase: 'fault', fromMs: 3_000, toMs: 20_000 },
    ]);
  });

  it('marks the events and leader changes in time order, each with a tooltip naming the partition and leaders', () => {
    const marks = timelineMarks(drillResult('whole'));
    expect(marks.map((m) => `${m.letter}@${m.atMs}`)).toEqual([
      'F@3000',
      'L@5000',
      'L@5500',
      'H@11000',
      'L@12500',
      'C@13000',
    ]);
    expect(marks[4]!.title).toBe('12.5 s partition 1: leader node 2 → node 1');
    expect(marks[1]!.title).toBe('5.0 s partition 1: leader node 1 → no leader');
  });
});
