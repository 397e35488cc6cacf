// `nano set <key> <value>`, `nano unset <key>`, `nano config`.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { findEngineBinary } from '../binary/find.js';
import { cannotRunOnThisHost, fileKind, hostGlibcVersion } from '../binary/host.js';
import { platformIdOf } from '../binary/executable-format.js';
import { fileProblem } from '../binary/resolve.js';
import { checkEngineVersion } from '../binary/version.js';
import type { NanoArgs } from '../kit/args.js';
import { anyAlive, observeProcesses } from '../cluster/lifecycle.js';
import { errorMessage, EXIT, invalidArgument, UserError } from '../errors.js';
import { bundledManifest, versionMismatch } from '../binary/manifest.js';
import { readClusterState, type ClusterSettings } from '../state/cluster-state.js';
import { readLastCluster } from '../state/last-cluster.js';
import { readConfig, writeConfig, type NanoConfig } from '../state/config.js';
import { ensurePrivateDir } from '../state/home.js';
import { defaultReplication } from '../cluster/tiers.js';
import type { CommandContext } from '../kit/context.js';

/** User-facing setting names and the config.json keys behind them. Anything else is rejected. */
const SETTINGS = { bin: 'binary', 'model-dir': 'workspaceDir' } as const;
type SettingName = keyof typeof SETTINGS;

function settingName(key: string | undefined, verb: string): SettingName {
  if (key === undefined) throw invalidArgument(`${verb} needs a setting: ${Object.keys(SETTINGS).join(' or ')}.`);
  // Object.hasOwn, not `in`: "__proto__" or "constructor" must not pass as settings.
  if (!Object.hasOwn(SETTINGS, key))
    throw invalidArgument(`Unknown setting "${key}". Settings: ${Object.keys(SETTINGS).join(', ')}.`);
  return key as SettingName;
}

async function clusterRunning(ctx: CommandContext): Promise<{ running: boolean; settings: ClusterSettings | null }> {
  const state = await readClusterState(ctx.layout.stateFile).catch(() => null);
  const running = state !== null && anyAlive(await observeProcesses(state.nodes, ctx.effects.readProcess));
  return {
    running,
    settings: state?.settings ?? (await readLastCluster(ctx.layout.lastClusterFile))?.settings ?? null,
  };
}

/** The tier a new Raft cluster would get, and why: the same precedence start uses (flag aside). */
function replicationChoice(ctx: CommandContext): { tier: string; from: string } {
  const exported = ctx.env.NANOBPMN_REPLICATION;
  if (exported !== undefined && exported !== '') return { tier: exported, from: 'NANOBPMN_REPLICATION' };
  const tier = defaultReplication({ rf: 3, raft: true });
  return {
    tier,
    from: `default: every failover drill heals under it; --replication ${tier === 'quorum' ? 'leader-durable' : 'quorum'} is the other tier`,
  };
}

export async function setCommand(ctx: CommandContext, args: NanoArgs<'set'>): Promise<number> {
  const { out, layout } = ctx;
  const [key, value] = args.positionals;
  const name = settingName(key, 'set');
  if (value === undefined || value === '')
    throw invalidArgument(
      `set ${name} needs a path. Example: ${ctx.prog} set ${name} ${name === 'bin' ? '/path/to/nanobpm-gateway-rest-server' : '~/bpmn-workspace'}`,
    );
  const target = path.resolve(ctx.cwd, value);
  const config = await readConfig(layout.configFile);

  let version: string | null = null;
  if (name === 'bin') {
    const kind = fileKind(target);
    if (kind !== 'executable') {
      throw invalidArgument(`set bin ${value}: ${fileProblem(kind)}. Give the path of the nanobpmn server binary.`);
    }
    const wrong = cannotRunOnThisHost(target);
    if (wrong)
      throw new UserError(
        `${target} ${wrong}. Use the ${platformIdOf(process)} engine: "${ctx.prog} set bin <its path>"; nothing was saved.`,
        { code: 'binary-wrong-platform' },
      );
    version = (await checkEngineVersion(target, hostGlibcVersion)).version;
  } else {
    const existing = await stat(target).catch(() => undefined);
    if (existing && !existing.isDirectory())
      throw invalidArgument(`set model-dir ${value}: it exists and is not a directory.`);
    await ensurePrivateDir(path.join(target, 'models'));
    await ensurePrivateDir(path.join(target, 'workers'));
  }

  await ensurePrivateDir(layout.home);
  await writeConfig(layout.configFile, { ...config, [SETTINGS[name]]: target });
  if (name === 'bin')
    out.success(`Engine binary set to ${target}${version ? ` (engine ${version})` : ''}. The next start uses it.`);
  else out.success(`Workspace set to ${target} (models/ and workers/ are ready there).`);
  const restartNeeded = (await clusterRunning(ctx)).running;
  if (restartNeeded)
    out.warn(
      `The running cluster still uses the old ${name === 'bin' ? 'binary' : 'workspace'}; "${ctx.prog} restart" applies the change.`,
    );
  out.result({ ok: true, setting: name, value: target, ...(name === 'bin' ? { version } : {}), restartNeeded });
  return EXIT.ok;
}

export async function unsetCommand(ctx: CommandContext, args: NanoArgs<'unset'>): Promise<number> {
  const { out, layout } = ctx;
  const name = settingName(args.positionals[0], 'unset');
  const config = await readConfig(layout.configFile);
  const key = SETTINGS[name];
  if (config[key] === undefined) {
    out.info(`${name} is not set; nothing to do.`);
    out.result({ ok: true, setting: name, changed: false });
    return EXIT.ok;
  }
  const { [key]: _removed, ...rest } = config;
  await writeConfig(layout.configFile, rest as NanoConfig);
  out.success(
    name === 'bin'
      ? 'Engine binary setting removed; the binary is found as usual again.'
      : `Workspace setting removed; the default ${layout.defaultWorkspace} is used again.`,
  );
  out.result({ ok: true, setting: name, changed: true });
  return EXIT.ok;
}

export async function configCommand(ctx: CommandContext): Promise<number> {
  const { out, layout } = ctx;
  const config = await readConfig(layout.configFile);
  const bundled = bundledManifest();

  // The binary `start` would run right now, or why there is none.
  const binary: {
    path: string | null;
    source: string | null;
    sourceLabel: string | null;
    version: string | null;
    error: string | null;
  } = { path: null, source: null, sourceLabel: null, version: null, error: null };
  try {
    Object.assign(binary, findEngineBinary({ configured: config.binary, env: ctx.env, cwd: ctx.cwd }));
    binary.version = (await checkEngineVersion(binary.path!, hostGlibcVersion)).version;
  } catch (error) {
    binary.error = error instanceof UserError ? [error.message, ...error.details].join(' ') : errorMessage(error);
  }
  const workspace = {
    path: config.workspaceDir ?? layout.defaultWorkspace,
    configured: config.workspaceDir !== undefined,
  };
  const { running, settings: cluster } = await clusterRunning(ctx);
  const replication = replicationChoice(ctx);

  out.info(`Home          ${layout.home}${ctx.env.C8CTL_NANO_HOME ? ' (C8CTL_NANO_HOME)' : ''}`);
  out.info(`Config file   ${layout.configFile}`);
  out.info(`State file    ${layout.stateFile}${running ? ' (a cluster is running)' : ''}`);
  out.info(`Data          ${layout.dataDir}`);
  out.info(`Logs          ${layout.logsDir}`);
  out.info(`Workspace     ${workspace.path} (${workspace.configured ? 'set with "set model-dir"' : 'default'})`);
  if (binary.path === null) out.info(`Engine        none usable: ${binary.error}`);
  else
    out.info(
      `Engine        ${binary.path}\n              from ${binary.sourceLabel}, version ${binary.version ?? 'unknown'}${binary.error ? ` (${binary.error})` : ''}`,
    );
  out.info(`Bundled nano  ${bundled?.version ?? 'unknown'}${bundled?.commit ? ` (${bundled.commit})` : ''}`);
  const mismatch = binary.source === null ? null : versionMismatch(bundled, binary.source, binary.version);
  if (mismatch) out.warn(mismatch);
  out.info(
    `Replication   ${replication.tier} for a new Raft cluster (${replication.from})${cluster?.raft ? `; the ${running ? 'running' : 'last'} cluster: ${cluster.replication}` : ''}`,
  );
  if (cluster)
    out.info(
      `Storage       ${cluster.storage === 'memory' ? 'memory' : layout.dataDir} (the ${running ? 'running' : 'last'} cluster)${cluster.historyMax !== null ? `; at most ${cluster.historyMax} completed instances per node` : ''}`,
    );
  out.info(`Settings      bin=${config.binary ?? '(not set)'}  model-dir=${config.workspaceDir ?? '(not set)'}`);

  out.result({
    home: layout.home,
    configFile: layout.configFile,
    stateFile: layout.stateFile,
    dataDir: layout.dataDir,
    logsDir: layout.logsDir,
    workspace,
    binary,
    bundled: bundled ?? null,
    settings: { bin: config.binary ?? null, 'model-dir': config.workspaceDir ?? null },
    clusterRunning: running,
    replication: {
      default: replication.tier,
      from: replication.from,
      cluster: cluster?.raft ? cluster.replication : null,
    },
    cluster: cluster ? { running, storage: cluster.storage, historyMax: cluster.historyMax } : null,
  });
  return EXIT.ok;
}
