// `nano clean [--workspace] [--yes]`: delete engine data and logs; with --workspace also models and
// workers. Refuses while any node of ours is alive. Deletes only inside our tree and never follows a
// symlink out of it (fs.rm removes a link, not what it points to).
import { lstat, rm, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { NanoArgs } from '../kit/args.js';
import { observeProcesses, untracked, untrackedError } from '../cluster/lifecycle.js';
import { isOurs } from '../os/process-identity.js';
import { EXIT, UserError } from '../errors.js';
import { readClusterState, removeClusterState, type ClusterState } from '../state/cluster-state.js';
import { readConfig } from '../state/config.js';
import { ensurePrivateDir } from '../state/home.js';
import { acquireLock } from '../state/lock.js';
import type { CommandContext } from '../kit/context.js';
import { SCHEMA_VERSION } from '../results/common.js';
import type { CleanResult } from '../results/tools.js';

const WORKSPACE_PARTS = ['models', 'workers'] as const;

async function exists(file: string): Promise<boolean> {
  return lstat(file).then(
    () => true,
    () => false,
  );
}

/** Removes a path; a symlink is unlinked, never followed. */
async function removeEntry(file: string): Promise<void> {
  const stats = await lstat(file).catch(() => undefined);
  if (!stats) return;
  if (stats.isSymbolicLink()) await unlink(file);
  else await rm(file, { recursive: true, force: true });
}

/** Refuses while any node of ours, tracked or found by evidence, still uses the data. */
async function refuseWhileRunning(ctx: CommandContext, state: ClusterState | null): Promise<void> {
  const { layout, effects } = ctx;
  const alive = state
    ? (await observeProcesses(state.nodes, effects.readProcess)).filter((n) => isOurs(n.process))
    : [];
  if (alive.length > 0) {
    throw new UserError(
      `clean refuses while the cluster runs (node(s) ${alive.map((n) => n.record.id).join(', ')} alive). Stop it first with "${ctx.prog} stop".`,
      { code: 'cluster-running' },
    );
  }
  // Engines the state does not track still use the data: found by evidence, they stop clean too.
  const strays = untracked(await effects.findEngines(layout.home, layout.dataDir), state);
  if (strays.length > 0) throw untrackedError(strays, ctx.prog, 'deleting their data');
}

/** Whether --workspace may delete models and workers: --yes, c8ctl's --yes, or a yes on the terminal. */
async function workspaceConfirmed(ctx: CommandContext, args: NanoArgs<'clean'>, workspace: string): Promise<boolean> {
  if (args.flags.yes === true || ctx.assumeYes) return true;
  const what = `models/ and workers/ in ${workspace}`;
  if (!ctx.interactive) {
    throw new UserError(
      `clean --workspace deletes ${what} and needs confirmation; nobody can answer here. Add --yes to confirm.`,
      { code: 'confirmation-required' },
    );
  }
  return ctx.effects.confirm(`Delete every model and worker in ${what}?`);
}

/** Deletes data, logs, the link proxy's folder and the state (with the workspace's parts if asked); returns what went. */
async function deleteAll(
  ctx: CommandContext,
  state: ClusterState | null,
  workspace: string | undefined,
): Promise<string[]> {
  const { layout } = ctx;
  const deleted: string[] = [];
  // The link proxy's control folder too: a proxy left running exits once it is gone.
  for (const dir of [layout.dataDir, layout.logsDir, layout.linkProxy.controlDir]) {
    if (await exists(dir)) {
      await removeEntry(dir);
      deleted.push(dir);
    }
  }
  // A state file whose nodes are all gone describes nothing any more.
  if (state) await removeClusterState(layout.stateFile);
  if (workspace === undefined) return deleted;
  for (const part of WORKSPACE_PARTS) {
    const dir = path.join(workspace, part);
    if (await exists(dir)) {
      await removeEntry(dir);
      deleted.push(dir);
    }
    await ensurePrivateDir(dir);
  }
  return deleted;
}

function nothingDeleted(ctx: CommandContext, message: string): number {
  ctx.out.info(message);
  ctx.out.result({ schemaVersion: SCHEMA_VERSION, ok: true, deleted: [] } satisfies CleanResult);
  return EXIT.ok;
}

export async function cleanCommand(ctx: CommandContext, args: NanoArgs<'clean'>): Promise<number> {
  const { out, layout } = ctx;
  const withWorkspace = args.flags.workspace === true;
  const config = await readConfig(layout.configFile);
  const workspace = config.workspaceDir ?? layout.defaultWorkspace;
  const state = await readClusterState(layout.stateFile);
  await refuseWhileRunning(ctx, state);
  if (withWorkspace && !(await workspaceConfirmed(ctx, args, workspace)))
    return nothingDeleted(ctx, 'Nothing deleted.');
  if (!(await exists(layout.home))) return nothingDeleted(ctx, `Nothing to clean: ${layout.home} does not exist.`);

  const releaseLock = await acquireLock(layout.lockFile, 'clean', { readProcess: ctx.effects.readProcess });
  try {
    const deleted = await deleteAll(ctx, state, withWorkspace ? workspace : undefined);
    out.success(deleted.length > 0 ? `Deleted ${deleted.join(', ')}.` : 'Nothing to delete.');
    if (!withWorkspace) out.info(`Models and workers in ${workspace} are kept (clean --workspace deletes them).`);
    out.result({
      schemaVersion: SCHEMA_VERSION,
      ok: true,
      deleted,
      workspace,
      workspaceCleaned: withWorkspace,
    } satisfies CleanResult);
    return EXIT.ok;
  } finally {
    await releaseLock();
  }
}
