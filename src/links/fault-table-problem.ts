// Is a value read back from faults.json a fault table for a cluster of n nodes? The file crosses a
// process boundary (the CLI writes it, the link proxy reads it; a user may edit it), so nothing in it
// is trusted: the answer is the first problem in one line, naming the field and the value, or null.
import type { FaultTable } from './fault-table.js';

const MODES = ['pass', 'stall', 'reset'];

/** The first thing wrong with `value` as a fault table for n nodes, or null when it is one. */
export function faultTableProblem(value: unknown, n: number): string | null {
  if (!isRecord(value)) return `the fault table is ${shown(value)}: expected an object with generation and flows`;
  if (!isWhole(value.generation)) return `generation is ${shown(value.generation)}: expected a whole number from 0`;
  if (!Array.isArray(value.flows)) return `flows is ${shown(value.flows)}: expected a list`;
  const seen = new Set<string>();
  for (const [i, flow] of value.flows.entries()) {
    const problem = flowProblem(flow, n);
    if (problem) return `flows[${i}]: ${problem}`;
    const f = flow as Record<string, unknown>;
    const key = `${f.from}>${f.to}`;
    if (seen.has(key)) return `flows[${i}]: ${f.from}→${f.to} is listed twice: list each flow once`;
    seen.add(key);
  }
  return null;
}

/** The table, when faultTableProblem found nothing wrong (only the known fields are kept). */
export function asFaultTable(value: unknown): FaultTable {
  const v = value as FaultTable;
  return {
    generation: v.generation,
    flows: v.flows.map(({ from, to, mode, delayMs, jitterMs, rateBytesPerSec }) => ({
      from,
      to,
      mode,
      delayMs,
      jitterMs,
      rateBytesPerSec,
    })),
  };
}

function flowProblem(flow: unknown, n: number): string | null {
  if (!isRecord(flow))
    return `${shown(flow)} is not a flow: expected an object with from, to, mode, delayMs, jitterMs, rateBytesPerSec`;
  for (const end of ['from', 'to'] as const) {
    const id = flow[end];
    if (!isWhole(id) || id >= n) return `${end} is ${shown(id)}: expected a node id from 0 to ${n - 1}`;
  }
  if (flow.from === flow.to) return `from and to are both ${shown(flow.from)}: a flow joins two different nodes`;
  if (typeof flow.mode !== 'string' || !MODES.includes(flow.mode))
    return `mode is ${shown(flow.mode)}: expected pass, stall or reset`;
  for (const field of ['delayMs', 'jitterMs'] as const) {
    const ms = flow[field];
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0)
      return `${field} is ${shown(ms)}: expected 0 or more milliseconds`;
  }
  const rate = flow.rateBytesPerSec;
  if (rate !== null && (typeof rate !== 'number' || !Number.isFinite(rate) || rate <= 0)) {
    return `rateBytesPerSec is ${shown(rate)}: expected more than 0 bytes per second, or null for unlimited`;
  }
  return null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isWhole(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function shown(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
