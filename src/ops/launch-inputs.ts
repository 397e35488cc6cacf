// What a launch needs before it spawns anything: the settings, the engine binary and its version, and
// the kept engine data (refused when the new shape cannot serve it, backed up before another engine
// version opens it). Read-only, apart from the backup, which launch makes once it has the lock.
import { findEngineBinary } from '../binary/find.js';
import { hostGlibcVersion } from '../binary/host.js';
import { bundledManifest, versionMismatch } from '../binary/manifest.js';
import type { StartRequest } from '../cluster/start-options.js';
import { readConfig } from '../state/config.js';
import { ensurePrivateDir } from '../state/home.js';
import { dataShapeConflict, readKeptData, type KeptData } from '../state/data-shape.js';
import { BACKUPS_KEPT, backUpReadModels, backupName, needsBackup } from '../state/read-model-backup.js';
import type { CommandContext } from '../kit/context.js';
import { engineVersion } from './engine-version.js';

export interface LaunchInputs {
  readonly binary: { readonly path: string; readonly source: string; readonly sourceLabel: string };
  readonly version: string | null;
  readonly workspaceDir: string;
  /** Stores a freshly checked engine version in the home; written once the launch writes anyway. */
  readonly rememberVersion?: (() => Promise<void>) | undefined;
}

/** Settings, binary and its version: everything a launch needs that can be checked without side effects. */
export async function prepareLaunch(ctx: CommandContext, request: StartRequest): Promise<LaunchInputs> {
  return (await beginLaunch(ctx, request)).inputs;
}

/**
 * prepareLaunch in two steps: settings and binary are checked (and refused) before this resolves; the
 * version is asked now and settles in `inputs`, so that a caller can check other things meanwhile.
 */
export async function beginLaunch(
  ctx: CommandContext,
  request: StartRequest,
): Promise<{ readonly inputs: Promise<LaunchInputs> }> {
  const config = await readConfig(ctx.layout.configFile);
  const binary = findEngineBinary({ flag: request.binary, configured: config.binary, env: ctx.env, cwd: ctx.cwd });
  const inputs = engineVersion(ctx.layout.engineVersionCache, binary.path, hostGlibcVersion).then(
    ({ check: version, remember }) => {
      if (version.warning) ctx.out.warn(version.warning);
      const mismatch = versionMismatch(bundledManifest(), binary.source, version.version);
      if (mismatch) ctx.out.warn(mismatch);
      return {
        binary,
        version: version.version,
        workspaceDir: config.workspaceDir ?? ctx.layout.defaultWorkspace,
        rememberVersion: remember,
      };
    },
  );
  // Awaited by the caller after its other checks; a refusal before then must not count as unhandled.
  inputs.catch(() => undefined);
  return { inputs };
}

/**
 * Refuses a shape the kept engine data cannot be served with (see state/data-shape.ts), and returns what
 * is kept (null for an in-memory cluster, which neither reads nor writes it). Read-only.
 */
export async function checkKeptData(ctx: CommandContext, request: StartRequest): Promise<KeptData | null> {
  if (request.storage === 'memory') return null;
  const kept = await readKeptData(ctx.layout.dataDir);
  const conflict = dataShapeConflict(kept, request, ctx.layout.dataDir, ctx.prog);
  if (conflict) throw conflict;
  return kept;
}

/** Another engine version is about to open the kept data: copy every node's read model first. */
export async function backUpBeforeUpgrade(
  ctx: CommandContext,
  recorded: string | null | undefined,
  version: string | null,
  today: Date,
): Promise<void> {
  const { layout } = ctx;
  if (!needsBackup(recorded, version)) return;
  await ensurePrivateDir(layout.backupsDir);
  const backup = await backUpReadModels(layout.dataDir, layout.backupsDir, backupName(today, recorded!, version!));
  if (backup.nodes === 0) return;
  ctx.out.info(
    `Engine ${recorded} wrote the kept data and ${version} will open it: backed up ${backup.nodes} node(s)' read model to ${backup.dir} (the last ${BACKUPS_KEPT} are kept; README "Engine upgrades" says how to restore).`,
  );
}
