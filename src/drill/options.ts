// What a drill is asked to do, checked: the fault, its target (a node or a role resolved when the fault
// starts), its timing and the workload's rate. Bounded so a drill always ends, by default in well under
// a minute. Pure: flags in, options or a one-line refusal out.
import { invalidArgument } from '../errors.js';
import { parseWholeNumber } from '../values.js';

export const DRILL_FAULTS = ['pause', 'kill', 'isolate', 'cut', 'slow', 'none'] as const;
export type DrillFault = (typeof DRILL_FAULTS)[number];

/** A node by id, or by the role it plays when the fault starts. */
export type TargetSpec =
  | { readonly kind: 'node'; readonly id: number }
  | { readonly kind: 'leader-of'; readonly partition: number }
  | { readonly kind: 'owner-of'; readonly partition: number }
  | { readonly kind: 'any-follower' };

export interface DrillOptions {
  readonly fault: DrillFault;
  readonly target: TargetSpec;
  /** cut: the node that stops hearing the target; null: the target's next node. */
  readonly peer: TargetSpec | null;
  readonly refuse: boolean;
  readonly delayMs: number;
  readonly jitterMs: number;
  readonly atMs: number;
  readonly forMs: number;
  readonly settleMs: number;
  readonly afterMs: number;
  readonly ratePerSecond: number;
  readonly deadlineMs: number;
  readonly withTask: boolean;
  readonly report: string | null;
  readonly force: boolean;
}

/** The flags as the parser hands them over (strings, booleans, or absent). */
export interface DrillFlags {
  readonly target?: string | undefined;
  readonly peer?: string | undefined;
  readonly refuse?: boolean | undefined;
  readonly delay?: string | undefined;
  readonly jitter?: string | undefined;
  readonly at?: string | undefined;
  readonly for?: string | undefined;
  readonly settle?: string | undefined;
  readonly after?: string | undefined;
  readonly rate?: string | undefined;
  readonly deadline?: string | undefined;
  readonly 'no-task'?: boolean | undefined;
  readonly report?: string | undefined;
  readonly force?: boolean | undefined;
}

export const NETWORK_FAULTS: ReadonlySet<DrillFault> = new Set(['isolate', 'cut', 'slow']);

export function parseDrillOptions(faultText: string | undefined, flags: DrillFlags): DrillOptions {
  const fault = parseFault(faultText);
  if (flags.refuse === true && fault !== 'isolate' && fault !== 'cut')
    throw invalidArgument(`--refuse is for isolate and cut, not ${fault}. Example: drill isolate --refuse`);
  for (const name of ['delay', 'jitter'] as const)
    if (flags[name] !== undefined && fault !== 'slow')
      throw invalidArgument(`--${name} is for slow, not ${fault}. Example: drill slow --${name} 200`);
  if (flags.peer !== undefined && fault !== 'cut')
    throw invalidArgument(`--peer is for cut, not ${fault}. Example: drill cut --target 0 --peer 1`);
  return {
    fault,
    target: flags.target === undefined ? { kind: 'leader-of', partition: 1 } : parseTarget('--target', flags.target),
    peer: flags.peer === undefined ? null : parseTarget('--peer', flags.peer),
    refuse: flags.refuse === true,
    delayMs: bounded('--delay', flags.delay, 200, 0, 60_000),
    jitterMs: bounded('--jitter', flags.jitter, 0, 0, 60_000),
    atMs: bounded('--at', flags.at, 3, 0, 60) * 1000,
    forMs: bounded('--for', flags.for, 8, 1, 120) * 1000,
    settleMs: bounded('--settle', flags.settle, 30, 1, 300) * 1000,
    afterMs: bounded('--after', flags.after, 3, 0, 60) * 1000,
    ratePerSecond: bounded('--rate', flags.rate, 10, 1, 100),
    deadlineMs: bounded('--deadline', flags.deadline, 2000, 100, 30_000),
    withTask: flags['no-task'] !== true,
    report: flags.report ?? null,
    force: flags.force === true,
  };
}

function parseFault(text: string | undefined): DrillFault {
  if (text === undefined) return 'pause';
  const fault = DRILL_FAULTS.find((f) => f === text);
  if (!fault)
    throw invalidArgument(`Unknown fault "${text}": choose one of ${DRILL_FAULTS.join(', ')}. Example: drill kill`);
  return fault;
}

const ROLE = /^(leader-of|owner-of):(\d+)$/;

export function parseTarget(flag: string, text: string): TargetSpec {
  if (text === 'any-follower') return { kind: 'any-follower' };
  const role = ROLE.exec(text);
  const partition = role ? parseWholeNumber(role[2]!) : undefined;
  if (role && partition !== undefined && partition >= 1)
    return { kind: role[1] as 'leader-of' | 'owner-of', partition };
  const id = parseWholeNumber(text);
  if (id !== undefined) return { kind: 'node', id };
  throw invalidArgument(
    `${flag} "${text}" is neither a node id nor a role: use e.g. 1, leader-of:1, owner-of:2 or any-follower.`,
  );
}

function bounded(flag: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const value = parseWholeNumber(text);
  if (value === undefined || value < min || value > max)
    throw invalidArgument(
      `${flag} "${text}" must be a whole number from ${min} to ${max}. Example: ${flag} ${fallback}`,
    );
  return value;
}

export function describeTarget(spec: TargetSpec): string {
  if (spec.kind === 'node') return `node ${spec.id}`;
  if (spec.kind === 'any-follower') return 'a follower';
  return `the ${spec.kind === 'leader-of' ? 'leader' : 'owner'} of partition ${spec.partition}`;
}
