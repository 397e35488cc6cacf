// `nano isolate|cut|slow|heal`: network faults between nodes, acted out by the link proxy of a cluster
// started with --network-faults. Clients still reach every node directly; only peer links change.
import type { NanoArgs } from '../kit/args.js';
import { linkFaultNote } from '../cluster/link-fault-notes.js';
import { noClusterError, parseNodeId } from '../cluster/select-node.js';
import { parseWholeNumber } from '../values.js';
import { EXIT, invalidArgument, UserError } from '../errors.js';
import { cut, describeFaults, heal, isolate, slow, type FaultTable } from '../links/faults.js';
import { applyFaults, readFaults } from '../links/supervise.js';
import { statusOf } from '../os/process-identity.js';
import { readClusterState, type ClusterState, type LinkProxyRecord } from '../state/cluster-state.js';
import { acquireLock } from '../state/lock.js';
import type { CommandContext } from '../kit/context.js';
import { reportSettling } from '../ops/heal-settle.js';
import { restartLinkProxy } from '../ops/link-proxy-restart.js';
import { SCHEMA_VERSION } from '../results/common.js';
import type { LinksResult } from '../results/faults.js';

const ids = (state: ClusterState): number[] => state.nodes.map((n) => n.id);

export const isolateCommand = (ctx: CommandContext, args: NanoArgs<'isolate'>): Promise<number> =>
  changeLinks(ctx, 'isolate', (state, table) => {
    const node = parseNodeId(args.positionals[0], ids(state), 'isolate');
    const mode = args.flags.refuse === true ? 'reset' : 'stall';
    return {
      table: isolate(table, node, state.nodes.length, mode),
      done: `Node ${node} is cut off from its peers (${mode === 'reset' ? 'refused: every peer connection is reset' : 'silent: its peer traffic is held, as on a dead network'}); clients still reach it at ${state.nodes[node]!.url}.`,
      note: { kind: 'isolate', node, mode },
    };
  });

export const cutCommand = (ctx: CommandContext, args: NanoArgs<'cut'>): Promise<number> =>
  changeLinks(ctx, 'cut', (state, table) => {
    const from = parseNodeId(args.positionals[0], ids(state), 'cut');
    const to = parseNodeId(args.positionals[1], ids(state), 'cut (its second node)');
    if (from === to)
      throw invalidArgument(`cut needs two different nodes: node ${from} has no link to itself. Example: cut 0 1`);
    const mode = args.flags.refuse === true ? 'reset' : 'stall';
    return {
      table: cut(table, from, to, mode),
      done: `What node ${from} sends no longer reaches node ${to} (${mode === 'reset' ? 'refused' : 'silent'}); node ${to} still reaches node ${from}.`,
      note: { kind: 'cut', node: from, mode },
    };
  });

export const slowCommand = (ctx: CommandContext, args: NanoArgs<'slow'>): Promise<number> =>
  changeLinks(ctx, 'slow', (state, table) => {
    const node = parseNodeId(args.positionals[0], ids(state), 'slow');
    const delayMs = whole(args, 'delay', 60_000) ?? 0;
    const jitterMs = whole(args, 'jitter', 60_000) ?? 0;
    const rateKb = whole(args, 'rate', 1_000_000, 1);
    if (delayMs === 0 && jitterMs === 0 && rateKb === undefined)
      throw invalidArgument(`slow needs --delay, --jitter or --rate. Example: slow ${node} --delay 200`);
    const shaping = { delayMs, jitterMs, rateBytesPerSec: rateKb === undefined ? null : rateKb * 1024 };
    return {
      table: slow(table, node, state.nodes.length, shaping),
      done: `Node ${node}'s peer links are slowed: ${[delayMs > 0 ? `+${delayMs} ms` : '', jitterMs > 0 ? `up to ${jitterMs} ms jitter` : '', rateKb !== undefined ? `${rateKb} KB/s` : ''].filter(Boolean).join(', ')} each way.`,
      note: { kind: 'slow', node, mode: 'stall' },
    };
  });

export const healCommand = (ctx: CommandContext, args: NanoArgs<'heal'>): Promise<number> =>
  changeLinks(ctx, 'heal', (state, table) => {
    const node = args.positionals[0] === undefined ? undefined : parseNodeId(args.positionals[0], ids(state), 'heal');
    return {
      table: heal(table, node),
      done: node === undefined ? 'Every peer link is back to normal.' : `Node ${node}'s peer links are back to normal.`,
      note: null,
    };
  });

function whole(args: NanoArgs<'slow'>, name: 'delay' | 'jitter' | 'rate', max: number, min = 0): number | undefined {
  const text = args.flags[name];
  if (text === undefined) return undefined;
  const value = parseWholeNumber(text);
  if (value === undefined || value < min || value > max)
    throw invalidArgument(
      `--${name} "${text}" must be a whole number from ${min} to ${max}. Example: --${name} ${name === 'rate' ? 100 : 200}`,
    );
  return value;
}

interface Change {
  readonly table: FaultTable;
  readonly done: string;
  readonly note: Parameters<typeof linkFaultNote>[1] | null;
}

async function changeLinks(
  ctx: CommandContext,
  verb: string,
  decide: (state: ClusterState, table: FaultTable) => Change,
): Promise<number> {
  const { layout, effects } = ctx;
  const state = await readClusterState(layout.stateFile);
  if (!state) throw noClusterError(layout.home, ctx.prog);
  if (!state.linkProxy) throw noLinkProxy(ctx, verb);
  const releaseLock = await acquireLock(layout.lockFile, verb, { readProcess: effects.readProcess });
  try {
    const change = decide(state, readFaults(state.linkProxy, state.nodes.length));
    const proxy = await liveProxy(ctx, state, state.linkProxy, verb, change.table);
    const applied = await applyFaults(proxy, change.table, effects);
    const described = reportChange(ctx, state, change);
    // Once nothing is cut any more, a heal waits for the leaders and says how they settled.
    const settled =
      verb === 'heal' && !change.table.flows.some((f) => f.mode !== 'pass') ? await reportSettling(ctx, state) : null;
    const result = {
      schemaVersion: SCHEMA_VERSION,
      ok: true,
      faults: change.table.flows,
      described,
      generation: applied.generation,
      linkProxy: { pid: proxy.pid },
    } as const;
    ctx.out.result(verb === 'heal' ? ({ ...result, settled } satisfies LinksResult) : (result satisfies LinksResult));
    return EXIT.ok;
  } finally {
    await releaseLock();
  }
}

function noLinkProxy(ctx: CommandContext, verb: string): UserError {
  return new UserError(
    `This cluster's nodes talk to each other directly, so there is no link to ${verb}. Start it with peer links through the link proxy: "${ctx.prog} restart --network-faults" (data kept).`,
    { code: 'no-link-proxy' },
  );
}

/**
 * The link proxy, running: as recorded, or (for heal only) started again on the same ports when it had
 * exited. A frozen proxy, or one gone for another verb, is refused: no link can be changed through it.
 */
async function liveProxy(
  ctx: CommandContext,
  state: ClusterState,
  proxy: LinkProxyRecord,
  verb: string,
  faults: FaultTable,
): Promise<LinkProxyRecord> {
  const alive = await statusOf(ctx.effects.readProcess, proxy.pid, proxy.startTime);
  if (alive === 'running') return proxy;
  if (verb !== 'heal')
    throw new UserError(
      `The link proxy (pid ${proxy.pid}) is ${alive === 'frozen' ? 'frozen' : 'not running'}, so no link can be changed and the nodes cannot reach each other. "${ctx.prog} heal" brings it back on the same ports.`,
      { code: 'link-proxy-down' },
    );
  if (alive === 'frozen')
    throw new UserError(
      `The link proxy (pid ${proxy.pid}) is frozen (SIGSTOP): resume it with "kill -CONT ${proxy.pid}".`,
      {
        code: 'link-proxy-down',
      },
    );
  return (await restartLinkProxy(ctx, state, proxy, faults)).proxy;
}

/** Says what changed, what it means for the leaders, and every fault now in force (returned, in words). */
function reportChange(ctx: CommandContext, state: ClusterState, change: Change): string[] {
  const { out } = ctx;
  out.success(change.done);
  const note = change.note ? linkFaultNote(ctx.prog, change.note, state.settings) : null;
  if (note) out.warn(note);
  const faults = describeFaults(change.table, state.nodes.length);
  if (faults.length > 0) out.info(`Faults now: ${faults.join('; ')}. Undo with "${ctx.prog} heal".`);
  return faults;
}
