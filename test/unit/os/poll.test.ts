// pollUntil's schedule: quick checks while an answer is due any moment (an engine exits ≈10-15 ms after
// SIGTERM), then a back-off so a long wait costs little, and always one last check at the deadline.
import { describe, expect, it } from 'vitest';
import { pollUntil } from '../../../src/os/poll.js';

function fakeClock() {
  let now = 0;
  return { now: () => now, sleep: async (ms: number) => void (now += ms) };
}

describe('pollUntil', () => {
  it('checks every 3 ms for the first 150 ms, then backs off to one check per 50 ms', async () => {
    const clock = fakeClock();
    const at: number[] = [];
    const result = await pollUntil(async () => (at.push(clock.now()), false), 400, clock);
    expect(result).toBe(false);
    const fast = Array.from({ length: 51 }, (_, i) => i * 3); // 0, 3, … 150
    expect(at).toEqual([...fast, 156, 168, 192, 240, 290, 340, 390, 440]);
  });

  it('returns as soon as the check holds: a process gone 13 ms after SIGTERM is seen at 15 ms', async () => {
    const clock = fakeClock();
    expect(await pollUntil(async () => clock.now() >= 13, 5_000, clock)).toBe(true);
    expect(clock.now()).toBe(15);
  });
});
