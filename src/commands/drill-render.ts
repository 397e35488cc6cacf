// The text `drill` prints when it is done: the verdict, the table of figures (drill/figures.ts, shared
// with the HTML report) and the timeline, one strip per node of what a client saw through it, squeezed
// to the terminal. No colour and nothing wider than `width`: it must read the same in an 80-column
// terminal, through a pipe and with NO_COLOR. Pure.
import { drillFigures, drillHeadline, seconds } from '../drill/figures.js';
import { squeeze } from '../drill/strips.js';
import type { DrillResult } from '../results/drill.js';
import { safeText } from '../safe-text.js';

export interface DrillRenderOptions {
  /** The columns to fit (the caller passes min(terminal columns, 100)). */
  readonly width: number;
  /** How the user invokes us, for the repair command: `c8ctl nano` or `c8ctl-nano`. */
  readonly prog: string;
}

/** What each bucket of a strip (drill/strips.ts) is drawn as: solid where answered, letters where not. */
const CELL: Readonly<Record<string, string>> = { o: '█', x: 'x', '?': '?', '.': '·' };

/** The marks under the strips, most important first (they win a shared column). */
const MARKS = [
  { kind: 'fault', char: 'F', words: 'fault' },
  { kind: 'heal', char: 'H', words: 'heal' },
  { kind: 'converged', char: 'C', words: 'converged' },
  { kind: 'gave-up', char: 'G', words: 'gave up waiting' },
  { kind: 'interrupted', char: 'I', words: 'interrupted' },
] as const;

/** How many leader changes are listed under the timeline before summing up the rest. */
const LISTED_CHANGES = 5;

const length = (text: string): number => [...text].length;

/** Words to lines of at most `width` characters; a word longer than that is cut. */
function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (let word of text.split(' ').filter((w) => w !== '')) {
    while (length(word) > width) {
      if (line !== '') lines.push(line);
      lines.push([...word].slice(0, width).join(''));
      word = [...word].slice(width).join('');
      line = '';
    }
    if (line === '') line = word;
    else if (length(line) + 1 + length(word) <= width) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  return line === '' && lines.length > 0 ? lines : [...lines, line];
}

/** Items joined by ` · `, a new line rather than an item split where one fits whole. */
function wrapItems(items: readonly string[], width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const item of items) {
    const joined = line === '' ? item : `${line} · ${item}`;
    if (length(joined) <= width) line = joined;
    else {
      if (line !== '') lines.push(line);
      const pieces = wrapWords(item, width);
      lines.push(...pieces.slice(0, -1));
      line = pieces[pieces.length - 1]!;
    }
  }
  return [...lines, line];
}

function headlineLines(result: DrillResult, options: DrillRenderOptions): string[] {
  const headline = drillHeadline(result, options.prog);
  return wrapWords(headline.text, options.width - 2).map((line, i) => `${i === 0 ? headline.mark : ' '} ${line}`);
}

function tableLines(result: DrillResult, width: number): string[] {
  const figures = drillFigures(result);
  const labelWidth = Math.max(...figures.map((f) => f.label.length));
  const indent = ' '.repeat(2 + labelWidth + 2);
  const valueWidth = width - indent.length;
  return figures.flatMap((figure) => {
    const values = figure.list
      ? figure.items.flatMap((item) => wrapWords(item, valueWidth))
      : wrapItems(figure.items, valueWidth);
    return values.map((value, i) => (i === 0 ? `  ${figure.label.padEnd(labelWidth)}  ${value}` : `${indent}${value}`));
  });
}

/** How the strips fit the width: `per` buckets in each of `columns` columns. */
interface Scale {
  readonly per: number;
  readonly columns: number;
  readonly msPerColumn: number;
}

/** Buckets a column may cover: round numbers, so a column is 0.3 s or 6 s rather than 5.8 s. */
const ROUND_COUNTS = [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8]
  .flatMap((k) => [1, 10, 100, 1_000, 10_000].map((e) => k * e).filter(Number.isInteger))
  .sort((a, b) => a - b);

function scaleFor(buckets: number, room: number, bucketMs: number): Scale {
  // A whole number of buckets per column, so each column covers the same time and the axis is exact.
  const least = Math.ceil(buckets / Math.max(1, room));
  const per = ROUND_COUNTS.find((n) => n >= least) ?? least;
  return { per, columns: Math.ceil(buckets / per), msPerColumn: per * bucketMs };
}

const columnOf = (atMs: number, scale: Scale): number =>
  Math.min(scale.columns - 1, Math.max(0, Math.floor(atMs / scale.msPerColumn)));

/** F, H, C, G, I and L under the strips: an event whose column is taken moves right by one, a leader change is left out (the legend lists it). */
function marksLine(result: DrillResult, scale: Scale): { line: string; used: Set<string> } {
  const cells = Array.from({ length: scale.columns }, () => ' ');
  const used = new Set<string>();
  const place = (atMs: number, char: string, shift: number): void => {
    const column = columnOf(atMs, scale);
    const free = [column, column + shift].find((c) => c < scale.columns && cells[c] === ' ');
    if (free === undefined) return;
    cells[free] = char;
    used.add(char);
  };
  for (const mark of MARKS)
    for (const event of result.timeline.events) if (event.kind === mark.kind) place(event.atMs, mark.char, 1);
  for (const change of result.timeline.leaderChanges) place(change.atMs, 'L', 0);
  return { line: cells.join('').trimEnd(), used };
}

/** Seconds under the strips, as many as fit apart from each other. */
function axisLine(durationMs: number, scale: Scale): string {
  const steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600];
  const step = steps.find((s) => (s * 1000) / scale.msPerColumn >= 6) ?? steps[steps.length - 1]!;
  let line = '';
  for (let s = 0; s * 1000 <= durationMs; s += step) {
    const label = `${s} s`;
    const column = Math.floor((s * 1000) / scale.msPerColumn);
    if (column < line.length + (s === 0 ? 0 : 1) || column + label.length > scale.columns + 1) continue;
    line = line.padEnd(column) + label;
  }
  return line;
}

function legendLines(result: DrillResult, used: ReadonlySet<string>, width: number): string[] {
  const changes = result.timeline.leaderChanges;
  const marks = [...MARKS, { char: 'L', words: 'leader change' }].filter(
    (m) => used.has(m.char) || (m.char === 'L' && changes.length > 0),
  );
  const who = (node: number | null): string => (node === null ? 'none' : `node ${node}`);
  const listed = changes
    .slice(0, LISTED_CHANGES)
    .map((c) => `L at ${seconds(c.atMs)}: partition ${c.partition}, ${who(c.from)} → ${who(c.to)}`);
  const more =
    changes.length > LISTED_CHANGES
      ? [`and ${changes.length - LISTED_CHANGES} more leader changes (--json lists them)`]
      : [];
  return [
    ...wrapItems(['█ answered', 'x error', '? timed out (outcome unknown)', '· nothing sent'], width - 2),
    ...(marks.length > 0
      ? wrapItems(
          marks.map((m) => `${m.char} ${m.words}`),
          width - 2,
        )
      : []),
    ...[...listed, ...more].flatMap((line) => wrapWords(line, width - 2)),
  ].map((line) => `  ${line.replaceAll(' · ', '   ')}`);
}

/** One strip per node, the marks, the axis and the legend. */
function timelineLines(result: DrillResult, width: number): string[] {
  const { nodes, bucketMs } = result.timeline;
  if (nodes.length === 0) return [];
  const names = nodes.map((n) => `node ${n.node}`);
  const nameWidth = Math.max(...names.map((n) => n.length));
  const lead = 2 + nameWidth + 2;
  const buckets = Math.max(...nodes.map((n) => n.strip.length));
  const scale = scaleFor(buckets, width - lead - 1, bucketMs);
  const strips = nodes.map((n, i) => {
    const cells = squeeze(n.strip.padEnd(scale.per * scale.columns, '.'), scale.columns);
    return `  ${names[i]!.padEnd(nameWidth)} │${[...cells].map((c) => CELL[c] ?? c).join('')}│`;
  });
  const marks = marksLine(result, scale);
  const per = seconds(scale.msPerColumn).replace('.0 s', ' s');
  return [
    ...wrapWords(`Timeline: what a client saw through each node, ${per} a column`, width),
    ...strips,
    ...(marks.line === '' ? [] : [' '.repeat(lead) + marks.line]),
    ' '.repeat(lead) + axisLine(result.durationMs, scale),
    ...legendLines(result, marks.used, width),
  ];
}

/** The lines `drill` prints: the verdict, the table, the timeline. */
export function renderDrill(result: DrillResult, options: DrillRenderOptions): string[] {
  return [
    ...headlineLines(result, options),
    '',
    ...tableLines(result, options.width),
    '',
    ...timelineLines(result, options.width),
  ].map((line) => safeText(line));
}
