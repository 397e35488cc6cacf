// The timeline's raw material: per node, one character per bucket of time saying what a client saw
// through it then: `.` nothing sent, `o` every request answered, `x` one failed, `?` one timed out (the
// worst wins). The terminal and the HTML report draw these; --json carries them as they are. Pure.
import type { RequestRecord } from './record.js';

export const BUCKET_MS = 100;

const RANK = { '.': 0, o: 1, x: 2, '?': 3 } as const;
type Cell = keyof typeof RANK;

const cellOf = (r: RequestRecord): Cell => (r.outcome.kind === 'ok' ? 'o' : r.outcome.kind === 'error' ? 'x' : '?');

export function nodeStrips(
  requests: readonly RequestRecord[],
  nodes: number,
  durationMs: number,
  bucketMs = BUCKET_MS,
): Array<{ node: number; strip: string }> {
  const buckets = Math.max(1, Math.ceil(durationMs / bucketMs));
  const cells: Cell[][] = Array.from({ length: nodes }, () => Array.from({ length: buckets }, () => '.' as Cell));
  for (const r of requests) {
    const row = cells[r.node];
    if (!row) continue;
    // A request counts in every bucket it was outstanding in: a hang shows as long as it lasted.
    const first = Math.min(buckets - 1, Math.max(0, Math.floor(r.sentMs / bucketMs)));
    const last = Math.min(buckets - 1, Math.max(first, Math.floor(r.doneMs / bucketMs)));
    const cell = cellOf(r);
    for (let b = first; b <= last; b += 1) if (RANK[cell] > RANK[row[b]!]) row[b] = cell;
  }
  return cells.map((row, node) => ({ node, strip: row.join('') }));
}

/** Squeezes a strip to `width` characters, each the worst of the buckets it covers. */
export function squeeze(strip: string, width: number): string {
  if (strip.length <= width) return strip;
  let out = '';
  for (let i = 0; i < width; i += 1) {
    const from = Math.floor((i * strip.length) / width);
    const to = Math.max(from + 1, Math.floor(((i + 1) * strip.length) / width));
    let worst: Cell = '.';
    for (const c of strip.slice(from, to)) if (RANK[c as Cell] > RANK[worst]) worst = c as Cell;
    out += worst;
  }
  return out;
}
