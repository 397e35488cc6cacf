// From what a drill saw to what it means: the checks (lost, duplicated, unknown outcomes resolved),
// the timings (detection, new leaders, convergence, unavailability), errors by kind, latency per phase,
// and the verdict with its exit code. Pure, so each figure is tested on a record made up by hand.
import type { DrillChecksDocument, DrillFinalDocument, DrillLatencyDocument, DrillResult } from '../results/drill.js';
import type { CheckFindings, DrillRecord, RequestRecord } from './record.js';

export interface DrillFacts {
  readonly record: DrillRecord;
  readonly findings: CheckFindings;
  readonly fault: DrillResult['fault'];
  readonly final: DrillFinalDocument;
  /** When the cluster was seen converged after the heal, or null. */
  readonly convergedAtMs: number | null;
}

const acknowledged = (r: RequestRecord): boolean => r.op === 'create' && r.outcome.kind === 'ok' && r.key !== undefined;
const failed = (r: RequestRecord): boolean => r.outcome.kind !== 'ok';

/**
 * The client cannot tell whether it ran: it gave up (deadline), or the connection dropped after the
 * request was sent (a reset). A refused connection never reached the engine: that one failed.
 */
export function unknownOutcome(r: RequestRecord): boolean {
  if (r.outcome.kind === 'timeout') return true;
  return r.outcome.kind === 'error' && r.outcome.status === null && !r.outcome.message.startsWith('refused');
}

export function drillChecks(record: DrillRecord, findings: CheckFindings, withTask: boolean): DrillChecksDocument {
  const creates = record.requests.filter((r) => r.op === 'create');
  const acked = creates.filter(acknowledged);
  const ackedKeys = new Set(acked.map((r) => r.key!));
  const foundAnywhere = new Set([...findings.foundKeys, ...findings.reads.filter((r) => r.found).map((r) => r.key)]);
  const seqHeld = new Map((findings.instances ?? []).map((i) => [i.key, i.seq]));
  // Kept: found somewhere, and (where its seq could be read) holding this very create.
  const kept = (r: RequestRecord): boolean => {
    if (!foundAnywhere.has(r.key!)) return false;
    const seq = seqHeld.get(r.key!) ?? null;
    return seq === null || seq === r.seq;
  };
  const lostKeys = [...new Set(acked.filter((r) => !kept(r)).map((r) => r.key!))].sort();
  const seqsByKey = new Map<string, Set<number>>();
  for (const r of acked) seqsByKey.set(r.key!, (seqsByKey.get(r.key!) ?? new Set()).add(r.seq ?? -1));
  const unknown = creates.filter(unknownOutcome).length;
  const extra = findings.foundKeys.filter((k) => !ackedKeys.has(k)).length;
  const completed = new Set(findings.reads.filter((r) => r.completed === true).map((r) => r.key));
  return {
    acknowledgedLost: lostKeys.length,
    lostKeys,
    unreadable: unreadableByNode(findings, record.nodes),
    duplicateKeys: [...seqsByKey].filter(([, seqs]) => seqs.size > 1).map(([key]) => key),
    duplicateInstances: copies(findings.instances ?? [], acked),
    jobsNotCompleted: withTask ? [...ackedKeys].filter((k) => foundAnywhere.has(k) && !completed.has(k)).length : 0,
    unknownPresent: Math.min(extra, unknown),
    unknownAbsent: Math.max(0, unknown - extra),
    deploymentsMissingOn: [...findings.deploymentsMissingOn],
  };
}

/** Keys holding a create that another key holds too (the acknowledged key being the original). */
function copies(
  instances: ReadonlyArray<{ readonly key: string; readonly seq: number | null }>,
  acked: readonly RequestRecord[],
): string[] {
  const ackedKeyOfSeq = new Map(acked.map((r) => [r.seq, r.key]));
  const keysOfSeq = new Map<number, string[]>();
  for (const i of instances) if (i.seq !== null) keysOfSeq.set(i.seq, [...(keysOfSeq.get(i.seq) ?? []), i.key]);
  return [...keysOfSeq]
    .filter(([, keys]) => keys.length > 1)
    .flatMap(([seq, keys]) => {
      const original = ackedKeyOfSeq.get(seq) ?? [...keys].sort()[0];
      return keys.filter((k) => k !== original);
    })
    .sort();
}

function unreadableByNode(findings: CheckFindings, nodes: number): DrillChecksDocument['unreadable'] {
  const counts = Array.from({ length: nodes }, () => 0);
  for (const r of findings.reads) if (!r.found && r.node < nodes) counts[r.node]! += 1;
  return counts.flatMap((count, node) => (count > 0 ? [{ node, count }] : []));
}

/** whole (0), lost (4: converged, but something acknowledged is gone or a key was handed out twice), not-converged (5). */
export function verdictOf(
  final: DrillFinalDocument,
  checks: DrillChecksDocument,
): Pick<DrillResult, 'ok' | 'verdict' | 'exitCode'> {
  if (final.convergence !== 'whole') return { ok: false, verdict: 'not-converged', exitCode: 5 };
  if (checks.acknowledgedLost > 0 || checks.duplicateKeys.length > 0 || checks.duplicateInstances.length > 0)
    return { ok: false, verdict: 'lost', exitCode: 4 };
  return { ok: true, verdict: 'whole', exitCode: 0 };
}

/** The p-th percentile (0–100) by nearest rank, or null for no values. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function latencyByPhase(
  requests: readonly RequestRecord[],
  faultAtMs: number | null,
  calmAtMs: number | null,
): DrillLatencyDocument[] {
  const phaseOf = (r: RequestRecord): DrillLatencyDocument['phase'] =>
    faultAtMs === null || r.sentMs < faultAtMs
      ? 'before'
      : calmAtMs === null || r.sentMs < calmAtMs
        ? 'during'
        : 'after';
  return (['before', 'during', 'after'] as const).map((phase) => {
    const inPhase = requests.filter((r) => r.op === 'create' && phaseOf(r) === phase);
    const latencies = inPhase.filter(acknowledged).map((r) => r.doneMs - r.sentMs);
    return {
      phase,
      requests: inPhase.length,
      failed: inPhase.filter(failed).length,
      p50Ms: round(percentile(latencies, 50)),
      p99Ms: round(percentile(latencies, 99)),
    };
  });
}

const round = (ms: number | null): number | null => (ms === null ? null : Math.round(ms));

/** Failed requests grouped by what went wrong, most frequent first. */
export function errorsByKind(requests: readonly RequestRecord[]): DrillResult['errors'] {
  const counts = new Map<string, number>();
  for (const r of requests) {
    if (r.outcome.kind === 'ok') continue;
    const what =
      r.outcome.kind === 'timeout'
        ? 'timeout'
        : r.outcome.status === null
          ? r.outcome.message
          : `HTTP ${r.outcome.status} ${r.outcome.message}`.trim();
    const kind = `${r.op}: ${what}`;
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([kind, count]) => ({ kind, count }));
}

/** Per node, its first and last failed request from the fault on (the window a client saw it fail). */
export function unavailability(
  requests: readonly RequestRecord[],
  nodes: number,
  faultAtMs: number | null,
): DrillResult['timings']['unavailable'] {
  return Array.from({ length: nodes }, (_, node) => {
    const failures = requests.filter(
      (r) => r.node === node && failed(r) && (faultAtMs === null || r.sentMs >= faultAtMs),
    );
    if (failures.length === 0) return { node, fromMs: null, toMs: null, ms: 0 };
    const fromMs = Math.min(...failures.map((r) => r.sentMs));
    const toMs = Math.max(...failures.map((r) => r.doneMs));
    return { node, fromMs: Math.round(fromMs), toMs: Math.round(toMs), ms: Math.round(toMs - fromMs) };
  });
}
