// The table: each case against its floor and its target.
import { START_SIZES, STOP_SIZES } from './config.js';
import { series, stats, type Stats } from './samples.js';

export interface Row {
  readonly case: string;
  readonly id: string;
  readonly n: number;
  readonly failures: number;
  readonly median: number | null;
  readonly min: number | null;
  readonly max: number | null;
  readonly floorCase: string | null;
  readonly floorMedian: number | null;
  readonly overhead: number | null;
  readonly target: string;
  readonly met: boolean | null;
}

export function buildRows(): Row[] {
  const rows: Row[] = [];
  const add = (label: string, id: string, floorId: string | null, floorLabel: string | null, target: string, met: ((s: Stats, floor: number | null) => boolean) | null): void => {
    const s = stats(id);
    const f = floorId ? stats(floorId) : null;
    const floorMedian = f?.median ?? null;
    rows.push({
      case: label,
      id,
      n: s?.n ?? 0,
      failures: series.get(id)?.failures.length ?? 0,
      median: s?.median ?? null,
      min: s?.min ?? null,
      max: s?.max ?? null,
      floorCase: floorLabel,
      floorMedian,
      overhead: s && floorMedian !== null ? s.median - floorMedian : null,
      target,
      met: s && met ? met(s, floorMedian) : null,
    });
  };
  const within = (limit: number) => (s: Stats, floor: number | null) => floor !== null && s.median - floor <= limit;
  add('entry import (c8ctl-plugin.js)', 'entry-import', 'node-empty', 'node, empty module', '≤ floor + 10 ms', within(10));
  add('c8ctl-nano --version', 'bin-version', 'node-empty', 'node, empty module', '—', null);
  for (const n of START_SIZES) {
    const target = n === 3 ? '≤ floor + 100 ms' : n === 16 ? '≤ 2 × floor' : '—';
    const met = n === 3 ? within(100) : n === 16 ? (s: Stats, floor: number | null) => floor !== null && s.median <= 2 * floor : null;
    add(`start ${n} (RF 1) to ready`, `start-${n}`, `floor-start-${n}`, 'direct spawn + tight poll', target, met);
  }
  add('status, healthy 3 nodes', 'status-healthy', 'node-empty', 'node, empty module', '≤ 150 ms', (s) => s.median <= 150);
  add('status, 3 nodes, 1 frozen', 'status-frozen', 'status-healthy', 'status, healthy', '≤ healthy + 100 ms', within(100));
  for (const n of [...STOP_SIZES].sort((a, b) => a - b)) {
    add(`stop ${n}`, `stop-${n}`, `floor-stop-${n}`, 'SIGTERM + child exit', n === 3 ? '≤ floor + 100 ms' : '—', n === 3 ? within(100) : null);
  }
  return rows;
}

const fmt = (v: number | null): string => (v === null ? '—' : v.toFixed(0));

export function table(rows: readonly Row[]): string {
  const header = ['case', 'n', 'median ms', 'min', 'max', 'floor median', 'overhead', 'target', 'met?'];
  const body = rows.map((r) => [
    r.case + (r.failures > 0 ? ` (${r.failures} failed)` : ''),
    String(r.n),
    fmt(r.median),
    fmt(r.min),
    fmt(r.max),
    fmt(r.floorMedian),
    r.overhead === null ? '—' : `${r.overhead >= 0 ? '+' : ''}${r.overhead.toFixed(0)}`,
    r.target,
    r.met === null ? '—' : r.met ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((row) => row[c]!.length)));
  const line = (cells: readonly string[]): string => `| ${cells.map((cell, c) => (c >= 1 && c <= 6 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, c) => (c >= 1 && c <= 6 ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [line(header), rule, ...body.map(line)].join('\n');
}
