// What the bench measures and how often, and where it reads and writes. Changing a number here
// changes what the figures in docs/benchmarks.md mean: say so there.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file runs compiled from dist/scripts/bench/). */
export const ROOT = path.resolve(fileURLToPath(new URL('../../../', import.meta.url)));
export const RESULTS_DIR = path.join(ROOT, 'bench-results');

export const IMPORT_WARMUP = 3;
/**
 * Import runs are cheap (one bare `node` each) and bimodal with the VM (≈60 or ≈85 ms): with 20 the
 * medians of two floors in one run disagreed by 12 ms, against 3-5 ms in 50-run A/Bs; at 60 a run's
 * entry overhead still moved between +4 and +14. Its target allows 5 ms.
 */
export const IMPORT_REPS = 100;
export const START_SIZES = [1, 3, 8, 16] as const;
/** `start 3` and `stop 3` carry targets: 30 runs, where 20 left a median of `stop 3` ±12 ms (a 90 % bootstrap interval). */
export const START_REPS: Record<number, number> = { 1: 20, 3: 30, 8: 10, 16: 10 };
export const STOP_SIZES = new Set([3, 16]);
export const STATUS_WARMUP = 2;
/** `start 3 --rf 3` to leaders, CLI and floor, interleaved. */
export const RF3_REPS = 10;
/** Lost deployments right after start (correctness.ts). */
export const CORRECTNESS_REPS = 20;
export const CORRECTNESS_CHECK_AFTER_MS = 1_500;
export const STATUS_REPS = 30;
/** Pause between "ready" and stopping, the same for the CLI and the floor. */
export const SETTLE_MS = 300;
/** Pause after a cluster is gone before the next measurement. */
export const QUIET_MS = 100;
export const FLOOR_POLL_MS = 3;
export const READY_TIMEOUT_MS = 60_000;
export const EXIT_TIMEOUT_MS = 15_000;

export const MARKER = 'C8CTL_NANO_BENCH_OWNER';
export const MARKER_VALUE = `${process.pid}-${randomBytes(4).toString('hex')}`;
export const CLUSTER_SECRET = 'NANOBPMN_CLUSTER_SECRET';
