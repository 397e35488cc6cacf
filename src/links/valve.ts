// One byte direction of a proxied connection, between reading its source socket and writing its
// destination: it delays, paces and holds chunks, never drops, splits or reorders them (bytes inside
// a WebSocket stream cannot be touched). A stall stops reading the source, so bytes wait in kernel
// buffers as behind a lossy link, and queued chunks wait too; healing lets them go, intact and in
// order. When each chunk may go is a pure function (planDelivery); the Valve applies it with an
// injected clock and timers, and pauses its source when the destination or its own queue is full.
import { PASS, type FlowSetting } from './fault-table.js';

/** More queued than this and the source is paused until the queue drains. */
export const HIGH_WATER_BYTES = 1024 * 1024;
/** The token bucket holds this long at the rate: the burst a rested link lets through at once. */
export const BURST_MS = 50;

export interface Schedule {
  /** When the previous chunk goes: no chunk goes before it, so jitter never reorders. */
  readonly lastAt: number;
  /** Token bucket for the rate, in bytes; negative = owed, paid back at the rate. */
  readonly tokens: number;
  readonly refilledAt: number;
}

export const FRESH_SCHEDULE: Schedule = {
  lastAt: Number.NEGATIVE_INFINITY,
  tokens: 0,
  refilledAt: Number.NEGATIVE_INFINITY,
};

/**
 * When a chunk of `bytes` read at `now` may be delivered: after the rate has let it through, plus the
 * delay and a random share (`random()` in [0, 1)) of the jitter, and never before the previous chunk.
 */
export function planDelivery(
  schedule: Schedule,
  bytes: number,
  now: number,
  setting: FlowSetting,
  random: () => number,
): { at: number; schedule: Schedule } {
  let { tokens, refilledAt } = schedule;
  let readyAt = now;
  const rate = setting.rateBytesPerSec;
  if (rate !== null) {
    tokens = Math.min((rate * BURST_MS) / 1000, tokens + ((now - refilledAt) * rate) / 1000) - bytes;
    refilledAt = now;
    if (tokens < 0) readyAt = now + (-tokens / rate) * 1000;
  }
  const jitter = setting.jitterMs > 0 ? random() * setting.jitterMs : 0;
  const at = Math.max(schedule.lastAt, readyAt + setting.delayMs + jitter);
  return { at, schedule: { lastAt: at, tokens, refilledAt } };
}

/** The two sockets a valve sits between, as the little it needs of them. */
export interface ValveEnds {
  /** Stop / start reading the source. */
  pause(): void;
  resume(): void;
  /** Deliver to the destination; false = it is full: call drained() on its 'drain'. */
  write(chunk: Buffer): boolean;
  /** Half-close the destination, once everything before the source's end is delivered. */
  end(): void;
}

export interface ValveClock {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  random(): number;
}

export const REAL_VALVE_CLOCK: ValveClock = {
  now: () => Number(process.hrtime.bigint()) / 1e6,
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  random: Math.random,
};

export class Valve {
  /** Bytes delivered to the destination so far. */
  delivered = 0;
  private setting: FlowSetting = PASS;
  private schedule = FRESH_SCHEDULE;
  private readonly queue: Array<{ chunk: Buffer; at: number }> = [];
  private queuedBytes = 0;
  private full = false;
  private paused = false;
  private ending = false;
  private ended = false;
  private closed = false;
  private timer: unknown = null;

  constructor(
    private readonly ends: ValveEnds,
    private readonly onEnded: () => void = () => {},
    private readonly clock: ValveClock = REAL_VALVE_CLOCK,
  ) {}

  /** Applies to chunks read from now on; a stall (or a reset, until the pair is gone) holds queued ones too. */
  set(setting: FlowSetting): void {
    this.setting = setting;
    this.pump();
  }

  push(chunk: Buffer): void {
    const planned = planDelivery(this.schedule, chunk.length, this.clock.now(), this.setting, this.clock.random);
    this.schedule = planned.schedule;
    this.queue.push({ chunk, at: planned.at });
    this.queuedBytes += chunk.length;
    this.pump();
  }

  /** The destination took its buffered bytes. */
  drained(): void {
    this.full = false;
    this.pump();
  }

  /** The source ended: end the destination after what is queued. */
  end(): void {
    this.ending = true;
    this.pump();
  }

  /** Forget everything queued: the pair is gone. */
  close(): void {
    this.closed = true;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.queue.length = 0;
    this.queuedBytes = 0;
  }

  get held(): boolean {
    return this.setting.mode !== 'pass';
  }

  private pump(): void {
    if (this.closed) return;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    const now = this.clock.now();
    while (!this.held && !this.full && this.queue.length > 0 && this.queue[0]!.at <= now) {
      const { chunk } = this.queue.shift()!;
      this.queuedBytes -= chunk.length;
      this.delivered += chunk.length;
      if (!this.ends.write(chunk)) this.full = true;
    }
    const next = this.queue[0];
    if (next && !this.held && !this.full)
      this.timer = this.clock.setTimeout(
        () => {
          this.timer = null;
          this.pump();
        },
        Math.max(1, Math.ceil(next.at - now)),
      );
    if (this.ending && !this.ended && !this.held && this.queue.length === 0) {
      this.ended = true;
      this.ends.end();
      this.onEnded();
    }
    const pause = this.held || this.full || this.queuedBytes > HIGH_WATER_BYTES;
    if (pause !== this.paused) {
      this.paused = pause;
      if (pause) this.ends.pause();
      else this.ends.resume();
    }
  }
}
