// One drill, end to end: fit to drill → the drill's process deployed → workload and leader sampling
// started → the fault at --at, for --for → heal → wait for convergence (bounded by --settle) → more
// workload (--after) → jobs drained → checks. Ctrl-C at any point heals first, then stops the workload,
// so no paused node or cut link is left behind. Returns what it saw; the verb turns it into the verdict.
import { NETWORK_FAULTS, type DrillOptions } from '../drill/options.js';
import type { DrillEvent } from '../drill/record.js';
import type { DrillOutcome } from '../drill/result.js';
import { resolvePeer, resolveTarget } from '../drill/targets.js';
import { EXIT, UserError } from '../errors.js';
import type { CommandContext } from '../kit/context.js';
import { randomHex } from '../os/random-hex.js';
import { readClusterState, type ClusterState } from '../state/cluster-state.js';
import { agreedLeaders, awaitConvergence, checkFitForDrill, type Converged } from './drill-cluster.js';
import { checkAfterHeal } from './drill-checks.js';
import { injectFault, type FaultPlan, type InjectedFault } from './drill-faults.js';
import { createDrillHttp } from './drill-http.js';
import { observeLeaders, type LeaderObserver } from './drill-observer.js';
import { deployDrillProcess, startWorkload, type Workload, type WorkloadDeps } from './drill-workload.js';
import { drillProcessId, DRILL_JOB_TYPE } from '../drill/process.js';

const DRAIN_MS = 10_000;
const STEP_MS = 100;

class Interrupted extends Error {}

/** The running parts of a drill, and what it has done so far. */
interface Running {
  readonly t0: number;
  readonly workload: Workload;
  readonly observer: LeaderObserver;
  readonly events: DrillEvent[];
  injected: InjectedFault | null;
  fault: DrillOutcome['fault'];
  converged: Converged | null;
}

export async function runDrill(
  ctx: CommandContext,
  state: ClusterState,
  options: DrillOptions,
  targetText: string,
): Promise<Omit<DrillOutcome, 'report'>> {
  if (NETWORK_FAULTS.has(options.fault) && !state.linkProxy)
    throw new UserError(
      `A ${options.fault} drill needs peer links through the link proxy: restart the cluster with "${ctx.prog} restart --network-faults" (data kept), then drill again.`,
      { code: 'no-link-proxy' },
    );
  await checkFitForDrill(ctx, state, options.force);
  const http = createDrillHttp();
  const deps: WorkloadDeps = { call: http.call, now: ctx.effects.now, sleep: ctx.effects.sleep };
  const urls = state.nodes.map((n) => n.url);
  try {
    ctx.out.progress('drill: deploying its process…');
    await deployDrillProcess(deps, urls, options.withTask, options.deadlineMs);
    const runId = randomHex(8);
    const t0 = ctx.effects.now();
    const running: Running = {
      t0,
      workload: startWorkload(deps, {
        urls,
        ratePerSecond: options.ratePerSecond,
        deadlineMs: options.deadlineMs,
        withTask: options.withTask,
        runId,
        t0,
      }),
      observer: observeLeaders(ctx.effects, state.nodes, t0),
      events: [],
      injected: null,
      fault: faultDocument(options, targetText),
      converged: null,
    };
    await drive(ctx, state, options, running);
    const findings = await checkAfterHeal(deps, {
      urls,
      ackedKeys: ackedKeys(running.workload),
      withTask: options.withTask,
      deadlineMs: options.deadlineMs,
      runId,
    });
    return outcome(state, options, running, findings, ctx.effects.now() - t0);
  } finally {
    http.close();
  }
}

/** The phases, with the heal and the stop guaranteed however they end. */
async function drive(ctx: CommandContext, state: ClusterState, options: DrillOptions, running: Running): Promise<void> {
  try {
    await phase(ctx, options.atMs, (left) => `drill: workload before the fault, ${left} s left`);
    await inject(ctx, state, options, running);
    await phase(ctx, options.forMs, (left) => `drill: ${running.events.at(-1)?.detail}; heals in ${left} s`);
    await healAndSettle(ctx, options, running);
    if (running.converged?.atMs !== null)
      await phase(ctx, options.afterMs, (left) => `drill: workload after convergence, ${left} s left`);
    running.workload.stopCreating();
    if (options.withTask) {
      ctx.out.progress('drill: finishing the jobs of acknowledged instances…');
      await running.workload.drain(DRAIN_MS);
    }
  } catch (error) {
    const interrupted = error instanceof Interrupted || ctx.interrupt.aborted;
    const healed = running.injected ? await running.injected.heal().catch(() => null) : null;
    await stopParts(running);
    if (!interrupted) throw error;
    throw new UserError(
      `Drill interrupted${healed ? `: ${healed} first` : ''}; the workload is stopped and the instances it made stay.`,
      { code: 'interrupted', exitCode: EXIT.interrupted },
    );
  }
  await stopParts(running);
}

async function stopParts(running: Running): Promise<void> {
  await Promise.all([running.workload.stop(), running.observer.stop()]);
}

async function inject(
  ctx: CommandContext,
  state: ClusterState,
  options: DrillOptions,
  running: Running,
): Promise<void> {
  const leaders = await agreedLeaders(ctx, state);
  const n = state.nodes.length;
  const node = options.fault === 'none' ? null : resolveTarget(options.target, leaders, n);
  const peer = options.fault === 'cut' && node !== null ? resolvePeer(options.peer, node, leaders, n) : null;
  const plan: FaultPlan = {
    fault: options.fault,
    node,
    peer,
    mode: options.refuse ? 'reset' : 'stall',
    delayMs: options.delayMs,
    jitterMs: options.jitterMs,
  };
  const startedAtMs = ctx.effects.now() - running.t0;
  running.injected = await injectFault(ctx, state, plan);
  running.events.push({ atMs: startedAtMs, kind: 'fault', detail: running.injected.detail });
  running.fault = {
    ...running.fault,
    node,
    peer,
    ledPartitions: node === null ? [] : (leaders ?? []).filter((p) => p.leader === node).map((p) => p.partition),
    startedAtMs: Math.round(startedAtMs),
  };
}

async function healAndSettle(ctx: CommandContext, options: DrillOptions, running: Running): Promise<void> {
  const detail = (await running.injected?.heal()) ?? 'nothing to heal';
  const healedAtMs = ctx.effects.now() - running.t0;
  running.events.push({ atMs: healedAtMs, kind: 'heal', detail });
  running.fault = { ...running.fault, healedAtMs: Math.round(healedAtMs) };
  ctx.out.progress(`drill: healed; waiting up to ${options.settleMs / 1000} s for the cluster to converge…`);
  const readState = async (): Promise<ClusterState> => {
    const state = await readClusterState(ctx.layout.stateFile);
    if (!state) throw new UserError('The cluster state went away during the drill.', { code: 'no-cluster' });
    return state;
  };
  running.converged = await awaitConvergence(ctx, readState, options.settleMs, running.t0);
  if (ctx.interrupt.aborted) throw new Interrupted();
  const { converged } = running;
  running.events.push(
    converged.atMs !== null
      ? { atMs: converged.atMs, kind: 'converged', detail: 'every partition led by its owner, every node answering' }
      : {
          atMs: ctx.effects.now() - running.t0,
          kind: 'gave-up',
          detail: `not converged (${converged.convergence}) ${options.settleMs / 1000} s after the heal`,
        },
  );
}

/** Waits `ms` in small steps, showing what happens and how long is left; Ctrl-C ends it. */
async function phase(ctx: CommandContext, ms: number, say: (leftSeconds: string) => string): Promise<void> {
  const end = ctx.effects.now() + ms;
  for (let left = ms; left > 0; left = end - ctx.effects.now()) {
    if (ctx.interrupt.aborted) throw new Interrupted();
    ctx.out.progress(say((left / 1000).toFixed(1)));
    await ctx.effects.sleep(Math.min(STEP_MS, left));
  }
  if (ctx.interrupt.aborted) throw new Interrupted();
}

function ackedKeys(workload: Workload): string[] {
  return workload.requests.flatMap((r) => (r.op === 'create' && r.outcome.kind === 'ok' && r.key ? [r.key] : []));
}

function faultDocument(options: DrillOptions, targetText: string): DrillOutcome['fault'] {
  const network = options.fault === 'isolate' || options.fault === 'cut';
  return {
    kind: options.fault,
    target: options.fault === 'none' ? '-' : targetText,
    node: null,
    peer: null,
    mode: network ? (options.refuse ? 'reset' : 'stall') : null,
    delayMs: options.fault === 'slow' ? options.delayMs : null,
    ledPartitions: [],
    startedAtMs: null,
    healedAtMs: null,
  };
}

function outcome(
  state: ClusterState,
  options: DrillOptions,
  running: Running,
  findings: DrillOutcome['findings'],
  durationMs: number,
): Omit<DrillOutcome, 'report'> {
  const { settings } = state;
  return {
    record: {
      nodes: state.nodes.length,
      partitions: settings.partitions,
      requests: running.workload.requests,
      samples: running.observer.samples,
      events: running.events,
    },
    findings,
    cluster: {
      nodes: state.nodes.length,
      partitions: settings.partitions,
      rf: settings.rf,
      replication: settings.replication,
    },
    fault: running.fault,
    workload: {
      processId: drillProcessId(options.withTask),
      jobType: options.withTask ? DRILL_JOB_TYPE : null,
      ratePerSecond: options.ratePerSecond,
      deadlineMs: options.deadlineMs,
      jobsCompleted: running.workload.jobsCompleted(),
    },
    withTask: options.withTask,
    final: running.converged?.final ?? { convergence: 'unknown', displaced: [], recovering: [], leaderless: [] },
    convergedAtMs: running.converged?.atMs ?? null,
    durationMs,
  };
}
