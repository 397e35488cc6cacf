// The --json documents of the fault verbs: pause/resume (a node frozen or thawed) and isolate, cut,
// slow and heal (the peer links changed). Scripts driving a fault drill read these.
import type { Versioned } from './common.js';
import type { FlowFaultResult } from './status.js';

/** pause or resume found the node already as asked: nothing was signalled. */
export interface PauseUnchangedResult extends Versioned {
  readonly ok: true;
  readonly node: number;
  readonly pid: number;
  /** `frozen` for pause, `running` for resume. */
  readonly process: 'frozen' | 'running';
  readonly changed: false;
}

/** pause froze the node (SIGSTOP). */
export interface PausedResult extends Versioned {
  readonly ok: true;
  readonly node: number;
  readonly pid: number;
  readonly process: 'frozen';
  readonly changed: true;
  /** The partitions the node led, by its own answer just before it was frozen. */
  readonly ledPartitions: readonly number[];
  /** Whether another node takes over what it led (the replication tier decides); null when it led nothing. */
  readonly replaced: boolean | null;
}

/** resume thawed the node (SIGCONT). */
export interface ResumedResult extends Versioned {
  readonly ok: true;
  readonly node: number;
  readonly pid: number;
  readonly process: 'running';
  readonly changed: true;
}

/** Every document `pause --json` and `resume --json` print. */
export type PauseResult = PauseUnchangedResult | PausedResult | ResumedResult;

/** isolate, cut or slow applied: the whole fault table now in force. */
export interface LinksChangedResult extends Versioned {
  readonly ok: true;
  /** Every flow that differs from pass, after the change. */
  readonly faults: readonly FlowFaultResult[];
  /** The same in words; empty when no fault is left. */
  readonly described: readonly string[];
  /** The fault table's generation the link proxy applied (each change adds one). */
  readonly generation: number;
  readonly linkProxy: { readonly pid: number };
}

/** heal applied; once no link is cut any more it also waited for the leaders to settle. */
export interface HealResult extends LinksChangedResult {
  /**
   * How the leaders settled: `whole` (each partition led by its owner), `displaced` (for good),
   * `contested`, `moving` (not settled in time); null when not waited for (a link still cut, rf 1, no console).
   */
  readonly settled: 'whole' | 'displaced' | 'contested' | 'moving' | null;
}

/** Every document isolate, cut, slow and heal print with --json. */
export type LinksResult = LinksChangedResult | HealResult;
