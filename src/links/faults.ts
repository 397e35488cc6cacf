// The network fault model between the nodes of a local cluster, as pure edits of a fault table (its
// shape is in fault-table.ts): isolate a node, cut one flow, slow a node, heal. The CLI edits the table
// with these and writes it for the link proxy, which asks it, per byte direction of each connection,
// what to do. Immutable in, immutable out; no I/O. Everything about the model is exported from here.
import {
  flowSetting,
  flowsTouching,
  isShaped,
  type FaultTable,
  type FlowSetting,
  type Shaping,
} from './fault-table.js';

export * from './fault-table.js';
export { describeFaults } from './describe-faults.js';
export { asFaultTable, faultTableProblem } from './fault-table-problem.js';

/** Cut every flow to and from `node`: held silently (stall) or refused (reset). Shaping is kept. */
export function isolate(table: FaultTable, node: number, n: number, mode: 'stall' | 'reset'): FaultTable {
  checkNode(node, n, 'node');
  return edit(table, flowsTouching(node, n), (s) => ({ ...s, mode }));
}

/** Cut the one flow from→to (one direction only). Shaping is kept. */
export function cut(table: FaultTable, from: number, to: number, mode: 'stall' | 'reset'): FaultTable {
  checkFlow(from, to);
  return edit(table, [[from, to]], (s) => ({ ...s, mode }));
}

/** Shape every flow to and from `node` (delay, jitter, rate); each flow keeps its mode. */
export function slow(table: FaultTable, node: number, n: number, shaping: Shaping): FaultTable {
  checkNode(node, n, 'node');
  checkShaping(shaping);
  const { delayMs, jitterMs, rateBytesPerSec } = shaping;
  return edit(table, flowsTouching(node, n), (s) => ({ ...s, delayMs, jitterMs, rateBytesPerSec }));
}

/** Clear every fault touching `node`, or every fault when no node is given. */
export function heal(table: FaultTable, node?: number): FaultTable {
  const flows = node === undefined ? [] : table.flows.filter((f) => f.from !== node && f.to !== node);
  return { generation: table.generation + 1, flows };
}

function edit(
  table: FaultTable,
  pairs: ReadonlyArray<readonly [number, number]>,
  change: (s: FlowSetting) => FlowSetting,
): FaultTable {
  const byKey = new Map(table.flows.map((f) => [`${f.from}>${f.to}`, f]));
  for (const [from, to] of pairs) {
    const next = change(flowSetting(table, from, to));
    if (isDefault(next)) byKey.delete(`${from}>${to}`);
    else byKey.set(`${from}>${to}`, { from, to, ...next });
  }
  const flows = [...byKey.values()].sort((a, b) => a.from - b.from || a.to - b.to);
  return { generation: table.generation + 1, flows };
}

function isDefault(s: FlowSetting): boolean {
  return s.mode === 'pass' && !isShaped(s);
}

function checkNode(node: number, n: number, what: string): void {
  if (!Number.isInteger(n) || n < 2)
    throw new RangeError(`a cluster of ${n} node(s) has no links: faults need at least 2 nodes`);
  if (!Number.isInteger(node) || node < 0 || node >= n)
    throw new RangeError(`${what} ${node} is not in this cluster: use 0 to ${n - 1}`);
}

function checkFlow(from: number, to: number): void {
  for (const [what, id] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (!Number.isInteger(id) || id < 0)
      throw new RangeError(`${what} node ${id} is not a node id: use a whole number from 0`);
  }
  if (from === to) throw new RangeError(`node ${from} to itself is not a link: name two different nodes`);
}

function checkShaping(s: Shaping): void {
  for (const [what, ms] of [
    ['delay', s.delayMs],
    ['jitter', s.jitterMs],
  ] as const) {
    if (!Number.isFinite(ms) || ms < 0)
      throw new RangeError(`${what} ${ms} ms is not a duration: use 0 or more milliseconds`);
  }
  if (s.rateBytesPerSec !== null && !(Number.isFinite(s.rateBytesPerSec) && s.rateBytesPerSec > 0)) {
    throw new RangeError(`rate ${s.rateBytesPerSec} bytes/s is not a rate: use more than 0, or none for unlimited`);
  }
}
