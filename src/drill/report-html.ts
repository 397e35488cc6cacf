// The drill's report as one self-contained web page (`drill --report <file>`): the verdict, the table of
// figures (figures.ts, the same the terminal shows), the events, and an SVG timeline, one lane per node
// over shaded phases with the fault, heal, convergence and leader changes marked. The whole DrillResult
// is embedded as JSON and the SVG is drawn from it by a small inline script, so the page is the data.
// Nothing is fetched (a Content-Security-Policy forbids it); every string is escaped. Pure.
import type { DrillResult } from '../results/drill.js';
import { convergedAtMs, drillFigures, drillHeadline, faultWords, seconds } from './figures.js';

// The page's look; the cell colours are the legend's too, so the SVG and the legend cannot differ.
const REPORT_STYLE = `
body { font: 15px/1.45 system-ui, sans-serif; color: #1f2328; margin: 2rem auto; max-width: 1000px; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin-bottom: .3rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
.verdict { font-size: 1.05rem; padding: .6rem .9rem; border-radius: 6px; }
.verdict.whole { background: #e6f4ea; } .verdict.lost { background: #fff4d6; } .verdict.not-converged { background: #fde8e8; }
.verdict .mark { font-weight: bold; }
table.figures { border-collapse: collapse; } table.figures th { text-align: left; padding: .2rem 1rem .2rem 0; vertical-align: top; font-weight: 600; }
table.figures td { padding: .2rem 0; } table.figures ul { margin: 0; padding-left: 1.1rem; }
.legend span { margin-right: 1rem; white-space: nowrap; } .legend i { display: inline-block; width: .9em; height: .9em; margin-right: .3em; vertical-align: -.1em; }
.cell.ok { fill: #3a9d5d; background: #3a9d5d; } .cell.error { fill: #d1453b; background: #d1453b; }
.cell.timeout { fill: #e5a00d; background: #e5a00d; } .cell.none { fill: #e4e7eb; background: #e4e7eb; }
.band.before { fill: #f3f5f7; } .band.fault { fill: #fde2e2; } .band.settling { fill: #fff1cc; } .band.after { fill: #e3f3e8; }
.phase-label { font-size: 12px; fill: #444; } .lane-label, .axis text { font-size: 12px; fill: #333; }
.lane-label { text-anchor: end; } .axis text { text-anchor: middle; } .axis line { stroke: #999; }
.mark line { stroke-width: 2; } .mark text { font: bold 12px sans-serif; text-anchor: middle; }
.mark.fault line { stroke: #b91c1c; } .mark.fault text { fill: #b91c1c; } .mark.heal line { stroke: #15803d; } .mark.heal text { fill: #15803d; }
.mark.converged line { stroke: #1d4ed8; } .mark.converged text { fill: #1d4ed8; }
.mark.leader line { stroke: #6b21a8; stroke-dasharray: 4 3; } .mark.leader text { fill: #6b21a8; }
.mark.gave-up line, .mark.interrupted line { stroke: #555; } .mark.gave-up text, .mark.interrupted text { fill: #555; }
ol.events { padding-left: 1.2rem; } .letter { font-weight: bold; display: inline-block; width: 1.2em; }
footer { margin-top: 2rem; color: #666; font-size: .85rem; }
`;

// The script that draws the SVG from the JSON in the page. Plain browser JavaScript, text set through
// textContent only, never markup, so no string of the data can become a tag.
const REPORT_SCRIPT = `
(function () {
  var data = JSON.parse(document.getElementById('drill-data').textContent);
  var layout = JSON.parse(document.getElementById('drill-layout').textContent);
  var NS = 'http://www.w3.org/2000/svg';
  var KIND = { o: 'ok', x: 'error', '?': 'timeout', '.': 'none' };
  var WORDS = { o: 'answered', x: 'error', '?': 'timed out', '.': 'nothing sent' };
  var nodes = data.timeline.nodes, bucket = data.timeline.bucketMs, end = Math.max(1, data.durationMs);
  var LEFT = 64, WIDTH = 960, PLOT = WIDTH - LEFT - 16, LANE = 22, GAP = 6, TOP = 44;
  var bottom = TOP + nodes.length * (LANE + GAP) - GAP, HEIGHT = bottom + 50;
  function x(ms) { return LEFT + (PLOT * Math.max(0, Math.min(ms, end))) / end; }
  function secs(ms) { return (ms / 1000).toFixed(1) + ' s'; }
  function el(name, attrs, parent, text) {
    var e = document.createElementNS(NS, name);
    for (var k in attrs) e.setAttribute(k, String(attrs[k]));
    if (text !== undefined) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }
  var svg = el('svg', { id: 'drill-timeline', viewBox: '0 0 ' + WIDTH + ' ' + HEIGHT, width: '100%', role: 'img' });
  el('title', {}, svg, 'What a client saw through each node over the drill');
  var bands = el('g', {}, svg), labels = el('g', {}, svg), rows = [0, 0];
  layout.phases.forEach(function (p) {
    var label = p.phase + ' ' + p.label, at = x(p.fromMs) + 3, row = rows[0] <= at ? 0 : rows[1] <= at ? 1 : 0;
    var band = el('rect', { class: 'band ' + p.phase, x: x(p.fromMs), y: 0, width: Math.max(0, x(p.toMs) - x(p.fromMs)), height: bottom + 4 }, bands);
    el('title', {}, band, label);
    rows[row] = at + label.length * 6.6 + 6;
    el('text', { class: 'phase-label', 'data-phase': p.phase, x: at, y: 14 + row * 15 }, labels, label);
  });
  // Cells of layout.cellBuckets buckets each, the worst of them winning, as the terminal squeezes its strips.
  var RANK = { '.': 0, o: 1, x: 2, '?': 3 }, per = layout.cellBuckets, span = per * bucket;
  nodes.forEach(function (n, i) {
    var y = TOP + i * (LANE + GAP), cells = '', from = 0;
    for (var c = 0; c < n.strip.length; c += per)
      cells += n.strip.slice(c, c + per).split('').reduce(function (a, b) { return RANK[b] > RANK[a] ? b : a; }, '.');
    var g = el('g', { class: 'lane', 'data-node': n.node }, svg);
    el('text', { class: 'lane-label', x: LEFT - 8, y: y + LANE / 2 + 4 }, g, 'node ' + n.node);
    for (var b = 1; b <= cells.length; b++) {
      if (b < cells.length && cells[b] === cells[from]) continue;
      var cell = el('rect', { class: 'cell ' + KIND[cells[from]], x: x(from * span), y: y, width: x(b * span) - x(from * span), height: LANE }, g);
      el('title', {}, cell, 'node ' + n.node + ': ' + WORDS[cells[from]] + ', ' + secs(from * span) + ' to ' + secs(Math.min(end, b * span)));
      from = b;
    }
  });
  layout.marks.forEach(function (m) {
    var g = el('g', { class: 'mark ' + m.kind }, svg);
    el('line', { x1: x(m.atMs), x2: x(m.atMs), y1: TOP - 6, y2: bottom + 6 }, g);
    el('text', { x: x(m.atMs), y: bottom + 18 }, g, m.letter);
    el('title', {}, g, m.title);
  });
  var axis = el('g', { class: 'axis' }, svg), steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600], step = steps[steps.length - 1];
  for (var j = 0; j < steps.length; j++) if ((PLOT * steps[j] * 1000) / end >= 56) { step = steps[j]; break; }
  for (var t = 0; t * 1000 <= end; t += step) {
    el('line', { x1: x(t * 1000), x2: x(t * 1000), y1: bottom + 24, y2: bottom + 29 }, axis);
    el('text', { x: x(t * 1000), y: bottom + 42 }, axis, t + ' s');
  }
  var box = document.getElementById('timeline');
  box.textContent = '';
  box.appendChild(svg);
})();
`;

export type DrillPhase = 'before' | 'fault' | 'settling' | 'after';

/** A shaded band behind the lanes: what the drill was doing from `fromMs` to `toMs`. */
export interface PhaseBand {
  readonly phase: DrillPhase;
  readonly fromMs: number;
  readonly toMs: number;
}

/** A vertical line over the lanes, with the letter the terminal uses and a tooltip. */
export interface TimelineMark {
  readonly atMs: number;
  readonly kind: string;
  readonly letter: string;
  readonly title: string;
}

/** Text as HTML text or attribute value: nothing in it can open a tag, an entity or end a quote. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

/** JSON that can sit inside a <script> element: no `<` (so no `</script>` or `<!--`), no `&`, no line separators. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * The drill's phases: before the fault, the fault, settling from the heal to convergence, and after.
 * Without a fault the whole drill is "before"; without a heal the fault lasts to the end; without
 * convergence settling does, and there is no "after".
 */
export function drillPhases(result: DrillResult): PhaseBand[] {
  const end = result.durationMs;
  const clamp = (ms: number): number => Math.min(end, Math.max(0, ms));
  const start = result.fault.startedAtMs;
  if (start === null) return [{ phase: 'before', fromMs: 0, toMs: end }];
  const heal = result.fault.healedAtMs === null ? null : clamp(result.fault.healedAtMs);
  const converged = convergedAtMs(result);
  const bands: PhaseBand[] = [
    { phase: 'before', fromMs: 0, toMs: clamp(start) },
    { phase: 'fault', fromMs: clamp(start), toMs: heal ?? end },
  ];
  if (heal !== null) bands.push({ phase: 'settling', fromMs: heal, toMs: converged === null ? end : clamp(converged) });
  if (heal !== null && converged !== null) bands.push({ phase: 'after', fromMs: clamp(converged), toMs: end });
  return bands;
}

const LETTERS: Readonly<Record<string, string>> = {
  fault: 'F',
  heal: 'H',
  converged: 'C',
  'gave-up': 'G',
  interrupted: 'I',
};

const nodeWords = (node: number | null): string => (node === null ? 'no leader' : `node ${node}`);

/** The drill's events and the leader changes, in time order, each with its tooltip. */
export function timelineMarks(result: DrillResult): TimelineMark[] {
  const events = result.timeline.events.map((e) => ({
    atMs: e.atMs,
    kind: e.kind,
    letter: LETTERS[e.kind] ?? '•',
    title: `${seconds(e.atMs)} ${e.kind}: ${e.detail}`,
  }));
  const changes = result.timeline.leaderChanges.map((c) => ({
    atMs: c.atMs,
    kind: 'leader',
    letter: 'L',
    title: `${seconds(c.atMs)} partition ${c.partition}: leader ${nodeWords(c.from)} → ${nodeWords(c.to)}`,
  }));
  return [...events, ...changes].sort((a, b) => a.atMs - b.atMs);
}

function figuresTable(result: DrillResult): string {
  const rows = drillFigures(result).map((f) => {
    const value = f.list
      ? `<ul>${f.items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`
      : f.items.map(escapeHtml).join(' · ');
    return `<tr><th scope="row">${escapeHtml(f.label)}</th><td>${value}</td></tr>`;
  });
  return `<table class="figures">\n${rows.join('\n')}\n</table>`;
}

function eventsList(result: DrillResult): string {
  const items = timelineMarks(result).map(
    (m) => `<li><span class="letter ${escapeHtml(m.kind)}">${escapeHtml(m.letter)}</span> ${escapeHtml(m.title)}</li>`,
  );
  return items.length === 0 ? '<p>No events.</p>' : `<ol class="events">\n${items.join('\n')}\n</ol>`;
}

const LEGEND = [
  ['cell ok', 'answered'],
  ['cell error', 'error'],
  ['cell timeout', 'timed out (outcome unknown)'],
  ['cell none', 'nothing sent'],
] as const;

/** Buckets per drawn cell: about one request per node each, so a lane reads as a band, not a barcode. */
export function cellBuckets(result: DrillResult): number {
  const perNodeMs = (result.cluster.nodes * 1000) / Math.max(1, result.workload.ratePerSecond);
  return Math.max(1, Math.ceil(perNodeMs / result.timeline.bucketMs));
}

function timelineSection(result: DrillResult): string {
  const per = cellBuckets(result);
  const layout = {
    cellBuckets: per,
    phases: drillPhases(result).map((p) => ({ ...p, label: `${(p.fromMs / 1000).toFixed(1)}–${seconds(p.toMs)}` })),
    marks: timelineMarks(result),
  };
  const legend = LEGEND.map(([cls, words]) => `<span><i class="${cls}"></i>${words}</span>`).join(' ');
  return [
    '<section>',
    '<h2>Timeline</h2>',
    `<p>What a client saw through each node, per ${per * result.timeline.bucketMs} ms (the worst of it). Hover a cell or a mark for details.</p>`,
    '<div id="timeline"><noscript>The timeline is drawn by a script in this file: allow scripts to see it.</noscript></div>',
    `<p class="legend">${legend} <span>F fault · H heal · C converged · G gave up waiting · L leader change</span></p>`,
    `<script type="application/json" id="drill-layout">${jsonForScript(layout)}</script>`,
    '</section>',
  ].join('\n');
}

export interface DrillReportOptions {
  /** How the user invokes us, for the repair command the verdict names (default `c8ctl nano`). */
  readonly prog?: string;
}

/** The report: one HTML file that needs nothing else, to open in any browser. */
export function drillReportHtml(result: DrillResult, options: DrillReportOptions = {}): string {
  const headline = drillHeadline(result, options.prog ?? 'c8ctl nano');
  const title = `Drill: ${faultWords(result.fault)}`;
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(`${title} — ${result.verdict}`)}</title>`,
    `<style>${REPORT_STYLE}</style>`,
    '</head>',
    '<body>',
    `<h1>${escapeHtml(title)}</h1>`,
    `<p class="verdict ${result.verdict}"><span class="mark">${headline.mark}</span> ${escapeHtml(headline.text)}</p>`,
    timelineSection(result),
    `<section>\n<h2>Figures</h2>\n${figuresTable(result)}\n</section>`,
    `<section>\n<h2>Events</h2>\n${eventsList(result)}\n</section>`,
    `<footer>The whole result of the drill (as <code>drill --json</code> prints it) is in this file, in the script element <code>drill-data</code>.</footer>`,
    `<script type="application/json" id="drill-data">${jsonForScript(result)}</script>`,
    `<script>${REPORT_SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
