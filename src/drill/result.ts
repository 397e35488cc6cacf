// The drill's --json document, put together from what it saw (record.ts) and what it found (the checks,
// the final state): the one value the terminal table, the timeline and the HTML report are drawn from.
// Pure.
import { SCHEMA_VERSION } from '../results/common.js';
import type { DrillResult } from '../results/drill.js';
import { detectionMs, leaderChanges, newLeaders } from './leaders.js';
import type { CheckFindings, DrillRecord } from './record.js';
import { BUCKET_MS, nodeStrips } from './strips.js';
import { drillChecks, errorsByKind, latencyByPhase, unavailability, unknownOutcome, verdictOf } from './verdict.js';

export interface DrillOutcome {
  readonly record: DrillRecord;
  readonly findings: CheckFindings;
  readonly cluster: DrillResult['cluster'];
  readonly fault: DrillResult['fault'];
  readonly workload: Omit<DrillResult['workload'], 'firstKey' | 'lastKey' | 'creates'>;
  readonly withTask: boolean;
  readonly final: DrillResult['final'];
  readonly convergedAtMs: number | null;
  readonly durationMs: number;
  readonly report: string | null;
}

export function drillResult(o: DrillOutcome): DrillResult {
  const { record, fault } = o;
  const window = { node: fault.node, fromMs: fault.startedAtMs, toMs: fault.healedAtMs };
  const changes = leaderChanges(record.samples, window);
  const checks = drillChecks(record, o.findings, o.withTask);
  return {
    schemaVersion: SCHEMA_VERSION,
    ...verdictOf(o.final, checks),
    cluster: o.cluster,
    fault,
    workload: { ...o.workload, ...keyRange(record), creates: createCounts(record) },
    checks,
    timings: {
      detectMs: detectionMs(changes, fault.startedAtMs),
      newLeader: newLeaders(record.samples, window, fault.ledPartitions),
      convergedMs:
        o.convergedAtMs === null || fault.healedAtMs === null ? null : Math.round(o.convergedAtMs - fault.healedAtMs),
      unavailable: unavailability(record.requests, record.nodes, fault.startedAtMs),
    },
    errors: errorsByKind(record.requests),
    latency: latencyByPhase(record.requests, fault.startedAtMs, o.convergedAtMs ?? fault.healedAtMs),
    final: o.final,
    timeline: {
      bucketMs: BUCKET_MS,
      nodes: nodeStrips(record.requests, record.nodes, o.durationMs),
      events: record.events.map((e) => ({ atMs: Math.round(e.atMs), kind: e.kind, detail: e.detail })),
      leaderChanges: changes.map((c) => ({ ...c, atMs: Math.round(c.atMs) })),
    },
    durationMs: Math.round(o.durationMs),
    report: o.report,
  };
}

function createCounts(record: DrillRecord): DrillResult['workload']['creates'] {
  const creates = record.requests.filter((r) => r.op === 'create');
  return {
    sent: creates.length,
    acknowledged: creates.filter((r) => r.outcome.kind === 'ok').length,
    failed: creates.filter((r) => r.outcome.kind === 'error' && !unknownOutcome(r)).length,
    unknown: creates.filter(unknownOutcome).length,
  };
}

/** The lowest and highest acknowledged key (keys are 64-bit: compared as BigInt). */
function keyRange(record: DrillRecord): Pick<DrillResult['workload'], 'firstKey' | 'lastKey'> {
  const keys = record.requests
    .filter((r) => r.op === 'create' && r.outcome.kind === 'ok' && r.key !== undefined)
    .map((r) => BigInt(r.key!))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return keys.length === 0
    ? { firstKey: null, lastKey: null }
    : { firstKey: String(keys[0]), lastKey: String(keys[keys.length - 1]) };
}
