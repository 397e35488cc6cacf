// Samples and statistics: every run is kept (warm-ups and failures too, for the JSON); the
// statistics use only the measured repetitions.

export interface Sample {
  readonly ms: number;
  readonly rep: number;
  readonly extra?: Record<string, unknown>;
}
export interface Failure {
  readonly rep: number;
  readonly error: string;
}
export interface Series {
  readonly samples: Sample[];
  readonly failures: Failure[];
  readonly warmup: Sample[];
}

export const series = new Map<string, Series>();
function seriesFor(id: string): Series {
  let s = series.get(id);
  if (!s) {
    s = { samples: [], failures: [], warmup: [] };
    series.set(id, s);
  }
  return s;
}
/** A negative rep is a warm-up: kept in the JSON, left out of the statistics. */
export function record(id: string, rep: number, ms: number, extra?: Record<string, unknown>): void {
  const s = seriesFor(id);
  (rep < 0 ? s.warmup : s.samples).push(extra ? { ms, rep, extra } : { ms, rep });
}
export function recordFailure(id: string, rep: number, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  seriesFor(id).failures.push({ rep, error: message });
  process.stderr.write(`bench: ${id} rep ${rep} failed: ${message}\n`);
}

export interface Stats {
  readonly n: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
}

function median(sorted: readonly number[]): number {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function stats(id: string): Stats | null {
  const values = (series.get(id)?.samples ?? []).map((s) => s.ms).sort((a, b) => a - b);
  if (values.length === 0) return null;
  return {
    n: values.length,
    median: median(values),
    min: values[0]!,
    max: values.at(-1)!,
    mean: values.reduce((a, b) => a + b, 0) / values.length,
  };
}

/** A floor series, or the samples of it taken beside one case (a bare `node` serves several). */
export interface FloorPart {
  readonly id: string;
  readonly beside?: string;
}

/**
 * The median, over the repetitions where all were measured, of a case's run minus the floor runs
 * timed in the same repetition. The VM's speed drifts between repetitions by more than our overheads;
 * a difference within one repetition cancels that drift, where the difference of two medians keeps it.
 */
export function pairedOverhead(id: string, floor: readonly FloorPart[]): { n: number; median: number } | null {
  const inRep = (part: FloorPart, rep: number): number | undefined =>
    series
      .get(part.id)
      ?.samples.find((s) => s.rep === rep && (part.beside === undefined || s.extra?.beside === part.beside))?.ms;
  const diffs: number[] = [];
  for (const sample of series.get(id)?.samples ?? []) {
    const parts = floor.map((part) => inRep(part, sample.rep));
    if (parts.every((ms) => ms !== undefined)) diffs.push(sample.ms - parts.reduce((a, b) => a! + b!, 0)!);
  }
  return diffs.length === 0 ? null : { n: diffs.length, median: median(diffs.sort((a, b) => a - b)) };
}
