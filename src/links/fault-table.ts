// The fault table's shape and how to read it: what happens to the bytes of each FLOW a→b (everything
// node a sends node b, whichever of them dialled the connection). Pure data, shared by the edits the
// CLI makes (faults.ts), their description, the validator and the link proxy.

export type FlowMode = 'pass' | 'stall' | 'reset';

/** What happens to one flow: held (stall), refused (reset) or passed, and how it is shaped. */
export interface FlowSetting {
  readonly mode: FlowMode;
  readonly delayMs: number;
  readonly jitterMs: number;
  /** Bytes per second the flow may carry; null = unlimited. */
  readonly rateBytesPerSec: number | null;
}

export interface FlowFault extends FlowSetting {
  readonly from: number;
  readonly to: number;
}

/** Only flows that differ from PASS are listed, sorted by (from, to); each edit bumps the generation. */
export interface FaultTable {
  readonly generation: number;
  readonly flows: readonly FlowFault[];
}

export interface Shaping {
  readonly delayMs: number;
  readonly jitterMs: number;
  readonly rateBytesPerSec: number | null;
}

export const PASS: FlowSetting = { mode: 'pass', delayMs: 0, jitterMs: 0, rateBytesPerSec: null };
export const NO_FAULTS: FaultTable = { generation: 0, flows: [] };

/** The setting of flow from→to (PASS when the table does not list it). */
export function flowSetting(table: FaultTable, from: number, to: number): FlowSetting {
  const found = table.flows.find((f) => f.from === from && f.to === to);
  return found
    ? { mode: found.mode, delayMs: found.delayMs, jitterMs: found.jitterMs, rateBytesPerSec: found.rateBytesPerSec }
    : PASS;
}

export function isShaped(s: Shaping): boolean {
  return s.delayMs > 0 || s.jitterMs > 0 || s.rateBytesPerSec !== null;
}

/**
 * The setting for one byte direction of a connection `dialer` opened to `target`: `up` carries the
 * flow dialer→target, `down` the flow target→dialer.
 */
export function connectionDirectionSetting(
  table: FaultTable,
  dialer: number,
  target: number,
  direction: 'up' | 'down',
): FlowSetting {
  return direction === 'up' ? flowSetting(table, dialer, target) : flowSetting(table, target, dialer);
}

/** Every other node's flows to and from `node`, in a cluster of n. */
export function flowsTouching(node: number, n: number): Array<[number, number]> {
  const pairs: Array<[number, number]> = [];
  for (let other = 0; other < n; other++) if (other !== node) pairs.push([node, other], [other, node]);
  return pairs;
}
