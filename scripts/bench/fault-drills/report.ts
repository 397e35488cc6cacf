// From the samples of each fault drill (drill.ts) to the report fault-drills.ts writes: when a new
// leader came, what clients saw through each node during the fault, how the leaders stood after the
// undo, and whether every instance could still be read and created through every node. Pure: no I/O.
import {
  AFTER_MS,
  FAULT_MS,
  isThrottled,
  NODES,
  PROBE_DEADLINE_MS,
  PROBE_EVERY_MS,
  SCENARIOS,
  VIEW_DEADLINE_MS,
  VIEW_EVERY_MS,
  type Answer,
  type CommandRun,
  type DrillResult,
  type Probe,
  type Tier,
  type View,
} from './drill.js';

/** Worst first: a run's verdict is its worst partition's. */
const VERDICTS = ['failed', 'no answer', 'contested', 'disagree', 'no leader', 'displaced', 'whole'] as const;
type Verdict = (typeof VERDICTS)[number];
/** A partition's term rising this much in the last 5 s of watching is churn, not a hand-back (one election). */
const CLIMBING_TERMS = 3;
const CLIMB_WINDOW_MS = 5_000;

interface Figures {
  readonly newLeaderMs: number | null;
  readonly newLeader: number | null;
  readonly verdict: Verdict;
  /** The leaders at the end, in words. */
  readonly finalState: string;
  /** From the undo command's launch until the leaders were whole for good. */
  readonly wholeAfterMs: number | null;
  readonly termRise: number;
}

/** "node 0 names 0", "nodes 1 and 2 name none". */
const naming = (nodes: readonly number[], leader: number | null): string =>
  `${nodes.length === 1 ? `node ${nodes[0]} names` : `nodes ${nodes.join(' and ')} name`} ${leader ?? 'none'}`;

/** How the leaders stand, from each node's latest view. */
function stateOf(latest: ReadonlyMap<number, View>): { verdict: Verdict; text: string } {
  const silent = NODES.filter((n) => !latest.get(n)?.partitions);
  if (silent.length > 0) return { verdict: 'no answer', text: `no answer from node ${silent.join(', ')}` };
  const views = NODES.map((n) => latest.get(n)!.partitions!);
  const problems: Array<{ verdict: Verdict; text: string }> = [];
  for (let p = 0; p < views[0]!.length; p += 1) {
    const named = views.map((v) => v[p] ?? { leader: null, term: null, owner: null });
    const claimants = NODES.filter((n) => named[n]!.leader === n);
    const leaders = new Set(named.map((v) => v.leader));
    const first = named[0]!;
    if (claimants.length > 1)
      problems.push({
        verdict: 'contested',
        text: `p${p + 1} claimed by ${claimants.map((n) => `node ${n} (term ${named[n]!.term})`).join(' and ')}`,
      });
    else if (leaders.size > 1)
      problems.push({
        verdict: 'disagree',
        text: `p${p + 1}: ${[...leaders]
          .map((l) =>
            naming(
              NODES.filter((n) => named[n]!.leader === l),
              l,
            ),
          )
          .join(', ')}`,
      });
    else if (first.leader === null) problems.push({ verdict: 'no leader', text: `p${p + 1} has no leader` });
    else if (first.leader !== first.owner)
      problems.push({ verdict: 'displaced', text: `p${p + 1}→node ${first.leader}` });
  }
  if (problems.length === 0) return { verdict: 'whole', text: 'whole' };
  const worst = VERDICTS.find((v) => problems.some((p) => p.verdict === v))!;
  return { verdict: worst, text: `${worst}: ${problems.map((p) => p.text).join(', ')}` };
}

function figures(r: DrillResult): Figures {
  if (r.error !== null)
    return {
      newLeaderMs: null,
      newLeader: null,
      verdict: 'failed',
      finalState: `failed: ${r.error}`,
      wholeAfterMs: null,
      termRise: 0,
    };
  const views = [...r.views].sort((a, b) => a.t - b.t);
  // A new leader counts once a majority of the nodes not faulted name the same other node.
  const others = NODES.filter((n) => n !== r.leader);
  const seen = new Map<number, View>();
  let newLeaderMs: number | null = null;
  let newLeader: number | null = null;
  for (const v of views) {
    if (v.t >= r.undoAt) break;
    seen.set(v.node, v);
    const named = others
      .map((n) => seen.get(n)?.partitions?.[0]?.leader ?? null)
      .filter((l): l is number => l !== null && l !== r.leader);
    const agreed = named.find((l) => named.filter((m) => m === l).length >= Math.floor(others.length / 2) + 1);
    if (agreed !== undefined) {
      newLeaderMs = v.t;
      newLeader = agreed;
      break;
    }
  }
  // After the undo: the state after each new view; whole for good = whole at every one from then on.
  const latest = new Map<number, View>();
  for (const v of views) if (v.t < r.undoAt) latest.set(v.node, v);
  let wholeSince: number | null = stateOf(latest).verdict === 'whole' ? r.undoAt : null;
  for (const v of views) {
    if (v.t < r.undoAt) continue;
    latest.set(v.node, v);
    if (stateOf(latest).verdict !== 'whole') wholeSince = null;
    else wholeSince ??= v.t;
  }
  const final = stateOf(latest);
  const maxTerm = (from: number, to: number): number =>
    Math.max(
      0,
      ...views.filter((v) => v.t >= from && v.t < to).flatMap((v) => (v.partitions ?? []).map((p) => p.term ?? 0)),
    );
  const termRise = Math.max(0, maxTerm(r.end - CLIMB_WINDOW_MS, Infinity) - maxTerm(r.undoAt, r.end - CLIMB_WINDOW_MS));
  return {
    newLeaderMs,
    newLeader,
    verdict: final.verdict,
    finalState: final.text,
    wholeAfterMs: wholeSince === null ? null : wholeSince - r.undoAt,
    termRise,
  };
}

interface Tally {
  creates: number;
  createsOk: number;
  reads: number;
  readsOk: number;
  okMs: number[];
}

/**
 * A call made while the fault was on: sent after the fault command returned (the fault in effect) and
 * with its whole deadline before the undo, so a call that waited out the fault and was answered after
 * the undo does not count as served during it.
 */
const duringFault = (r: DrillResult, p: Probe): boolean =>
  p.t >= (r.fault?.ms ?? 0) && p.t + PROBE_DEADLINE_MS <= r.undoAt;

/** What clients saw through `node` while the fault was on, over runs. */
function during(runs: readonly DrillResult[], node: number): Tally {
  const tally: Tally = { creates: 0, createsOk: 0, reads: 0, readsOk: 0, okMs: [] };
  for (const r of runs) {
    if (r.error !== null) continue;
    for (const p of r.probes) {
      if (p.node !== node || !duringFault(r, p)) continue;
      const ok = p.outcome === 'ok';
      if (p.kind === 'create') {
        tally.creates += 1;
        if (ok) tally.createsOk += 1;
      } else {
        tally.reads += 1;
        if (ok) tally.readsOk += 1;
      }
      if (ok) tally.okMs.push(p.ms);
    }
  }
  return tally;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const seconds = (ms: number): string => (ms / 1000).toFixed(1);
/** "2.1 s (1.9–2.4)": median and range over runs. */
function medianRange(ms: readonly number[]): string {
  const low = Math.min(...ms);
  const high = Math.max(...ms);
  return `${seconds(median(ms))} s${ms.length > 1 && seconds(low) !== seconds(high) ? ` (${seconds(low)}–${seconds(high)})` : ''}`;
}
const percent = (part: number, whole: number): string => (whole === 0 ? '—' : `${Math.round((100 * part) / whole)} %`);
/** Each distinct value with how many runs had it, most first: "whole 2/3, contested 1/3". */
function counts(values: readonly string[], order: readonly string[] = []): string {
  const distinct = [...new Set(values)].sort(
    (a, b) =>
      order.indexOf(a) - order.indexOf(b) ||
      values.filter((v) => v === b).length - values.filter((v) => v === a).length,
  );
  return distinct.map((v) => `${v} ${values.filter((w) => w === v).length}/${values.length}`).join(', ');
}

function clientCell(t: Tally): string {
  return `${percent(t.createsOk, t.creates)} / ${percent(t.readsOk, t.reads)} / ${t.okMs.length === 0 ? '—' : `${median(t.okMs).toFixed(0)} ms`}`;
}

function row(label: string, runs: readonly DrillResult[]): string[] {
  const figs = runs.map(figures);
  const measured = figs.filter((f) => f.verdict !== 'failed');
  const newLeaderTimes = measured.flatMap((f) => (f.newLeaderMs === null ? [] : [f.newLeaderMs]));
  const noNewLeader = measured.length - newLeaderTimes.length;
  const newLeader =
    measured.length === 0
      ? '—'
      : newLeaderTimes.length === 0
        ? `none (${noNewLeader}/${measured.length})`
        : `${medianRange(newLeaderTimes)}${noNewLeader > 0 ? `; none in ${noNewLeader}/${measured.length}` : ''}`;
  const climbing = figs.some((f) => f.termRise >= CLIMBING_TERMS) ? ' (terms still climbing)' : '';
  const wholeTimes = figs.flatMap((f) => (f.verdict === 'whole' && f.wholeAfterMs !== null ? [f.wholeAfterMs] : []));
  const checks = runs.flatMap((r) => (r.fullCheck === null ? [] : [r.fullCheck]));
  const passed = checks.filter((c) => c.readsOk === c.reads && c.createsOk === c.creates).length;
  const worst = [...checks].sort((a, b) => a.readsOk + a.createsOk - (b.readsOk + b.createsOk))[0];
  const why = [...new Set(checks.flatMap((c) => c.failed.map((a) => `${a.kind} ${reasonOf(a)}`)))].join(', ');
  const retried = checks.reduce((sum, c) => sum + c.throttled, 0);
  const fullCheck =
    checks.length === 0
      ? '—'
      : `ok ${passed}/${checks.length}${worst && passed < checks.length ? ` (worst: reads ${worst.readsOk}/${worst.reads}, creates ${worst.createsOk}/${worst.creates}; ${why})` : ''}${retried > 0 ? `; ${retried} create(s) ok only on retry` : ''}`;
  // The calls of the watch after the undo, every node and run together: what the verdict meant to clients.
  const measuredRuns = runs.filter((r) => r.error === null);
  const after = measuredRuns.flatMap((r) => r.probes.filter((p) => p.t >= r.undoAt));
  const okShare = (kind: Answer['kind']): string =>
    percent(
      after.filter((p) => p.kind === kind && p.outcome === 'ok').length,
      after.filter((p) => p.kind === kind).length,
    );
  // Admission control is load, not the fault (it trips in the baseline too): shown apart so it can be told from it.
  const throttledShare = (creates: readonly Probe[]): string =>
    percent(creates.filter(isThrottled).length, creates.length);
  const createsDuring = measuredRuns.flatMap((r) => r.probes.filter((p) => p.kind === 'create' && duringFault(r, p)));
  return [
    label,
    runs.every((r) => r.fault === null)
      ? '—'
      : new Set(runs.map((r) => r.leader)).size === 1
        ? String(runs[0]!.leader ?? '?')
        : counts(runs.map((r) => (r.leader === null ? '?' : String(r.leader)))),
    newLeader,
    ...NODES.map((n) => clientCell(during(runs, n))),
    `${counts(
      figs.map((f) => f.verdict),
      VERDICTS,
    )}${climbing}`,
    wholeTimes.length === 0 ? '—' : medianRange(wholeTimes),
    `${okShare('create')} / ${okShare('read')}`,
    `${throttledShare(createsDuring)} / ${throttledShare(after.filter((p) => p.kind === 'create'))}`,
    fullCheck,
  ];
}

/** Why a call failed, in a few words: "HTTP 503 admission control", "HTTP 404 not found", "timeout". */
function reasonOf(a: Answer): string {
  const detail = a.detail ?? '';
  if (isThrottled(a)) return `${a.outcome} admission control`;
  if (detail.includes('leads no partition')) return `${a.outcome} "this node leads no partition"`;
  if (detail.includes('not found')) return `${a.outcome} not found`;
  return detail === '' ? a.outcome : `${a.outcome} ${detail.split(/ \(|: /)[0]}`;
}

/** "create HTTP 503 admission control ×5, read timeout ×2", most first. */
function reasons(failed: readonly Answer[]): string {
  const texts = failed.map((a) => `${a.kind} ${reasonOf(a)}`);
  const distinct = [...new Set(texts)]
    .map((t) => ({ t, n: texts.filter((u) => u === t).length }))
    .sort((a, b) => b.n - a.n);
  return distinct.map(({ t, n }) => `${t} ×${n}`).join(', ');
}

/** The calls that did not succeed in a window, per node: "node 0: create timeout ×14, read timeout ×14". */
function failedCalls(r: DrillResult, inWindow: (p: Probe) => boolean): string {
  const perNode = NODES.flatMap((node) => {
    const failed = r.probes.filter((p) => p.node === node && inWindow(p) && p.outcome !== 'ok');
    return failed.length === 0 ? [] : [`node ${node}: ${reasons(failed)}`];
  });
  return perNode.length === 0 ? 'none' : perNode.join('; ');
}

const commandText = (c: CommandRun | null): string =>
  c === null ? 'none' : `\`${c.args.join(' ')}\` ${seconds(c.ms)} s${c.code === 0 ? '' : ` (${c.tail})`}`;

function runLine(r: DrillResult): string {
  const f = figures(r);
  if (f.verdict === 'failed') return `- run ${r.run}: ${f.finalState}`;
  const parts = [
    `${r.fault === null ? 'leader of partition 1: node' : 'faulted node'} ${r.leader}`,
    `fault ${commandText(r.fault)}, undo ${commandText(r.undo)}`,
    `new leader ${f.newLeaderMs === null ? 'none' : `node ${f.newLeader} after ${seconds(f.newLeaderMs)} s`}`,
    `failed calls during the fault: ${failedCalls(r, (p) => duringFault(r, p))}`,
    `after the undo: ${f.finalState}${f.verdict === 'whole' && f.wholeAfterMs !== null ? ` after ${seconds(f.wholeAfterMs)} s` : ''}`,
    ...(f.termRise > 0 ? [`terms +${f.termRise} in the last ${CLIMB_WINDOW_MS / 1000} s`] : []),
    `failed calls after the undo: ${failedCalls(r, (p) => p.t >= r.undoAt)}`,
    r.fullCheck === null
      ? 'no full check'
      : `full check: reads ${r.fullCheck.readsOk}/${r.fullCheck.reads}, creates ${r.fullCheck.createsOk}/${r.fullCheck.creates}${r.fullCheck.failed.length > 0 ? ` (${reasons(r.fullCheck.failed)})` : ''}${r.fullCheck.throttled > 0 ? `, ${r.fullCheck.throttled} create(s) ok only on retry` : ''}`,
    ...(r.leftovers.length > 0 ? [`${r.leftovers.length} process(es) left after stop, killed`] : []),
  ];
  return `- run ${r.run}: ${parts.join('; ')}`;
}

/** Whether admission control tripped without a fault too: then it is the probes' load, not the fault alone. */
function baselineThrottling(results: readonly DrillResult[]): string {
  const baseline = results.filter((r) => r.scenario.fault(0, 1) === null && r.error === null);
  if (baseline.length === 0) return '';
  const tripped = baseline.filter(
    (r) =>
      r.probes.some(isThrottled) ||
      (r.fullCheck?.failed.some(isThrottled) ?? false) ||
      (r.fullCheck?.throttled ?? 0) > 0,
  ).length;
  return `Each run leaves about ${Math.round((AFTER_MS + FAULT_MS) / PROBE_EVERY_MS) * NODES.length + 9} instances open (the process waits at a service task); without any fault, admission control tripped in ${tripped} of ${baseline.length} baseline runs here${tripped > 0 ? ', so it is partly the load of the probes, not the fault alone' : ''}.`;
}

export interface ReportFacts {
  readonly date: string;
  readonly version: string;
  readonly machine: string;
  /** The 1-minute load average before and after: anything else busy on the machine slows the engine too. */
  readonly load: string;
  readonly command: string;
  readonly runs: number;
  readonly minutes: number;
}

const TIER_TITLES: Record<Tier, string> = { 'leader-durable': '`leader-durable` (the default)', quorum: '`quorum`' };

export function renderReport(facts: ReportFacts, results: readonly DrillResult[]): string {
  const header = [
    'Fault on the leader of partition 1',
    'Faulted node',
    'New leader after',
    'Through node 0',
    'Through node 1',
    'Through node 2',
    'After undo',
    'Time to whole',
    'Calls after undo',
    'Creates throttled',
    'Full check',
  ];
  const lines = [
    '# Fault drills, measured',
    '',
    `- Date: ${facts.date}`,
    `- Engine: ${facts.version}`,
    `- Machine: ${facts.machine}; load average ${facts.load}`,
    `- Command: \`${facts.command}\` (${facts.runs} run(s) of each fault under each tier, ${facts.minutes} min in all)`,
    '',
    `Each run starts a fresh cluster (\`start 3 --rf 3 --network-faults --replication <tier>\`, its own home and ports), deploys \`test/fixtures/one-task.bpmn\` and creates 9 instances through nodes 0, 1, 2 in turn. At t = 0 the fault is applied to the leader of partition 1 with the CLI; it is undone ${FAULT_MS / 1000} s later, and the cluster is watched for ${AFTER_MS / 1000} s more after the undo command returns. Every ${VIEW_EVERY_MS} ms each node is asked which node leads each partition (${VIEW_DEADLINE_MS / 1000} s deadline); every ${PROBE_EVERY_MS} ms each node gets one create and one read by key of a fixed instance of partition 1 (${PROBE_DEADLINE_MS / 1000} s deadline).`,
    '',
    '- New leader after: from t = 0 until both nodes not faulted name the same other node as leader of partition 1; "none" if that never happened while the fault was on. Median (range) over runs.',
    `- Through node N: creates that succeeded / reads that succeeded / median latency of the calls that succeeded, over all runs, counting the calls sent after the fault command returned and at least ${PROBE_DEADLINE_MS / 1000} s (their deadline) before the undo, so that a call answered only after the undo does not count.`,
    '- After undo: how the leaders stood at the end, per run. whole = every node answers, all name the same leaders and each partition is led by its owner; displaced = all agree but a partition is led by another node; contested = two nodes each call themselves leader of a partition; disagree = the nodes name different leaders otherwise ("p1: node 0 names 0, nodes 1 and 2 name none"); no answer = a node did not answer.',
    '- Time to whole: from the launch of the undo command until the leaders were whole and stayed whole to the end.',
    '- Calls after undo: creates that succeeded / reads that succeeded among the calls sent after the undo, through every node, over all runs.',
    `- Creates throttled: the share of creates refused by the engine's admission control (HTTP 503 RESOURCE_EXHAUSTED, or 500 "Peer error" wrapping it: "a shared write path (raft-log fsync or the read-model export queue) is saturated … Retry after a backoff"), during the fault / after the undo. ${baselineThrottling(results)} Throttled creates count as failed in the other create figures.`,
    '- Full check: after the watching, one call after another, each of the 9 instances read through every node (27 reads) and 3 creates through every node (9 creates), 5 s deadline each; a throttled create is retried up to 5 times, 1 s apart, as the engine asks. ok = all succeeded.',
  ];
  const tiers = [...new Set(results.map((r) => r.tier))];
  for (const tier of tiers) {
    lines.push(
      '',
      `## ${TIER_TITLES[tier]}`,
      '',
      `| ${header.join(' | ')} |`,
      `|${header.map(() => '---').join('|')}|`,
    );
    for (const scenario of SCENARIOS) {
      const runs = results.filter((r) => r.tier === tier && r.scenario.id === scenario.id);
      if (runs.length > 0) lines.push(`| ${row(scenario.label, runs).join(' | ')} |`);
    }
  }
  lines.push('', '## Every run', '');
  for (const tier of tiers) {
    for (const scenario of SCENARIOS) {
      const runs = results.filter((r) => r.tier === tier && r.scenario.id === scenario.id);
      if (runs.length > 0) lines.push(`${scenario.label} under \`${tier}\`:`, '', ...runs.map(runLine), '');
    }
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** One line for the progress output after a run. */
export function progressLine(r: DrillResult): string {
  return runLine(r).replace(/^- /, `${r.scenario.id} / ${r.tier} / `);
}
