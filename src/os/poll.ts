// Waiting for something the OS will report soon: check, back off (5 ms doubling to 50 ms), give up at
// a deadline. The clock is injected so tests run instantly.

export interface Clock {
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

/** Whether `check` came true within `timeoutMs` (it is always asked at least once, and once at the end). */
export async function pollUntil(check: () => Promise<boolean>, timeoutMs: number, clock: Clock): Promise<boolean> {
  const deadline = clock.now() + timeoutMs;
  let interval = 5;
  for (;;) {
    if (await check()) return true;
    if (clock.now() >= deadline) return false;
    await clock.sleep(interval);
    interval = Math.min(interval * 2, 50);
  }
}
