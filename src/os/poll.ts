// Waiting for something the OS will report soon: check often at first (an engine exits ≈10-15 ms after
// SIGTERM, and a doubling back-off from 5 ms would first look again at 15 and then at 35 ms), then back
// off to 50 ms, and give up at a deadline. The clock is injected so tests run instantly.

/**
 * A monotonic clock in ms, for pacing and deadlines. process.hrtime, not performance.now(): the
 * `performance` global loads perf_hooks on first use.
 */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export interface Clock {
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

/** How long checks stay FAST_MS apart before backing off. */
const FAST_PHASE_MS = 150;
const FAST_MS = 3;
const SLOWEST_MS = 50;

/** Whether `check` came true within `timeoutMs` (it is always asked at least once, and once at the end). */
export async function pollUntil(check: () => Promise<boolean>, timeoutMs: number, clock: Clock): Promise<boolean> {
  const began = clock.now();
  const deadline = began + timeoutMs;
  let interval = FAST_MS;
  for (;;) {
    if (await check()) return true;
    const now = clock.now();
    if (now >= deadline) return false;
    if (now - began >= FAST_PHASE_MS) interval = Math.min(interval * 2, SLOWEST_MS);
    await clock.sleep(interval);
  }
}
