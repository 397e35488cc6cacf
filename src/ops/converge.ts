// `start` on a cluster that already runs: the command states the desired state, as `docker compose
// up` does. What was given explicitly must match (else the refusal names each difference and the two
// ways out); nodes of that cluster that have exited are started again on their data and waited for;
// a node someone froze (pause) is left frozen, since resuming it would end their drill, and reported.
import { observeProcesses } from '../cluster/lifecycle.js';
import { checkPortsFree } from '../cluster/preflight.js';
import { waitForCluster, type WaitingNode } from '../cluster/readiness.js';
import { shapeMismatches, type GivenShape } from '../cluster/desired-shape.js';
import type { StartRequest } from '../cluster/start-options.js';
import { failoverDisplaces } from '../cluster/tiers.js';
import { askConsoleMode } from '../cluster/console-served.js';
import { EXIT, UserError } from '../errors.js';
import { startLinkProxy } from '../links/supervise.js';
import { statusOf } from '../os/process-identity.js';
import { readClusterState, writeClusterState, type ClusterState, type NodeRecord } from '../state/cluster-state.js';
import { acquireLock } from '../state/lock.js';
import type { CommandContext } from '../kit/context.js';
import { describeStartFailure, rollBack, spawnNodes } from './spawning.js';
import { printSummary } from './start-summary.js';

export async function convergeOnRunning(
  ctx: CommandContext,
  request: StartRequest,
  given: GivenShape & { readonly binary?: string },
  state: ClusterState,
): Promise<number> {
  const { out, layout, effects, prog } = ctx;
  const differs = shapeMismatches(given, state.settings);
  if (given.binary !== undefined && given.binary !== state.binary.path)
    differs.push(`binary ${given.binary} (running: ${state.binary.path})`);
  if (differs.length > 0) {
    throw new UserError(`A cluster is already running, but not as asked: ${differs.join(', ')}.`, {
      code: 'already-running',
      details: [
        `Replace it with "${prog} start … --force", or change it keeping its data with "${prog} restart" and the flags that differ.`,
      ],
    });
  }
  const releaseLock = await acquireLock(layout.lockFile, 'start', { readProcess: effects.readProcess });
  try {
    let current = (await readClusterState(layout.stateFile)) ?? state;
    const observed = await observeProcesses(current.nodes, effects.readProcess);
    const gone = observed.filter((o) => o.process === 'exited' || o.process === 'stale').map((o) => o.record);
    const frozen = observed.filter((o) => o.process === 'frozen').map((o) => o.record.id);
    const began = effects.now();

    if (
      current.linkProxy &&
      (await statusOf(effects.readProcess, current.linkProxy.pid, current.linkProxy.startTime)) !== 'running'
    ) {
      const proxy = await startLinkProxy(
        {
          home: layout.home,
          ...layout.linkProxy,
          env: ctx.env,
          ports: current.nodes.map((n) => n.port),
          previous: current.linkProxy.links,
        },
        effects,
      );
      current = { ...current, linkProxy: proxy };
      await writeClusterState(layout.stateFile, current);
      out.info(`The link proxy had exited; it runs again (pid ${proxy.pid}) on the same ports.`);
    }
    let waiting: WaitingNode[] = current.nodes.map((n) => ({
      id: n.id,
      url: n.url,
      exit: new Promise(() => undefined),
    }));
    let respawned: NodeRecord[] = [];
    let release = (): void => undefined;
    if (gone.length > 0) {
      await checkPortsFree(
        gone.map((n) => n.port),
        effects,
        prog,
      );
      const spawned = await spawnNodes(ctx, current.binary.path, gone);
      respawned = spawned.records;
      release = spawned.release;
      current = { ...current, nodes: current.nodes.map((n) => respawned.find((r) => r.id === n.id) ?? n) };
      await writeClusterState(layout.stateFile, current).catch(async (error: unknown) => {
        await rollBack(ctx, respawned);
        throw error;
      });
      waiting = waiting.map((w) => spawned.waiting.find((s) => s.id === w.id) ?? w);
    }
    // With a node frozen, partitions it leads may have no leader: answering is all we can wait for.
    const outcome = await waitForCluster(
      waiting.filter((w) => !frozen.includes(w.id)),
      request.timeoutMs,
      {
        probe: effects.probe,
        sleep: effects.sleep,
        interrupt: ctx.interrupt,
        requireLeaders: frozen.length === 0,
        displacementIsFinal: failoverDisplaces(current.settings),
        onProgress: () => out.progress(`Starting node(s) ${gone.map((n) => n.id).join(', ')} again…`),
      },
    );
    out.progress('');
    if (outcome.kind !== 'ready') {
      const failure = await describeStartFailure(outcome, {
        home: layout.home,
        targets: gone,
        offsets: new Map(),
        binary: current.binary.path,
        timeoutMs: request.timeoutMs,
        prog,
        undone:
          gone.length > 0
            ? 'The node(s) started again were stopped; the rest of the cluster runs as it did.'
            : 'Nothing was changed.',
      });
      await rollBack(ctx, respawned);
      throw failure;
    }
    release();
    const readyMs = Math.round(effects.now() - began);
    const consoleServed = await askConsoleMode(
      effects.probe,
      current.nodes.find((n) => !frozen.includes(n.id))?.url ?? current.nodes[0]!.url,
    );
    if (consoleServed !== null && current.consoleServed !== consoleServed)
      await writeClusterState(layout.stateFile, { ...current, consoleServed });
    const headline =
      gone.length > 0
        ? `Already running; started node(s) ${gone.map((n) => n.id).join(', ')} again on their data, ready in ${(readyMs / 1000).toFixed(2)} s`
        : 'Already running as asked';
    printSummary(
      ctx,
      current,
      outcome.leadership,
      readyMs,
      { version: current.binary.version, binary: { ...current.binary, sourceLabel: current.binary.source } },
      consoleServed,
      headline,
    );
    if (frozen.length > 0)
      out.warn(
        `Node(s) ${frozen.join(', ')} frozen (pause): start leaves a frozen node as it is, so a drill is not ended behind your back. Resume with "${prog} resume <id>".`,
      );
    out.result({
      ok: frozen.length === 0,
      cluster: frozen.length === 0 ? 'running' : 'degraded',
      alreadyRunning: true,
      restarted: gone.map((n) => n.id),
      frozen,
      readyMs,
      home: layout.home,
      settings: current.settings,
      binary: current.binary,
      nodes: current.nodes.map(({ env: _env, ...node }) => node),
      partitions: outcome.leadership,
    });
    return frozen.length === 0 ? EXIT.ok : EXIT.degraded;
  } finally {
    await releaseLock();
  }
}
