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

export function stats(id: string): Stats | null {
  const values = (series.get(id)?.samples ?? []).map((s) => s.ms).sort((a, b) => a - b);
  if (values.length === 0) return null;
  const mid = Math.floor(values.length / 2);
  const median = values.length % 2 === 1 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
  return { n: values.length, median, min: values[0]!, max: values.at(-1)!, mean: values.reduce((a, b) => a + b, 0) / values.length };
}
