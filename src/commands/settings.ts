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
import { bundledManifest, versionMismatch, type BinaryManifest } from '../binary/manifest.js';
import { readClusterState, type ClusterSettings } from '../state/cluster-state.js';
import { readLastCluster } from '../state/last-cluster.js';
import { readConfig, writeConfig, type NanoConfig } from '../state/config.js';
import { ensurePrivateDir } from '../state/home.js';
import { defaultReplication } from '../cluster/tiers.js';
import type { CommandContext } from '../kit/context.js';
import { SCHEMA_VERSION } from '../results/common.js';
import type { ConfigBinaryEntry, ConfigResult, SetResult, UnsetResult } from '../results/tools.js';

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

/** Checks the path a setting would be given (and prepares a workspace); a binary's version, if it says one. */
async function checkSetting(
  ctx: CommandContext,
  name: SettingName,
  value: string,
  target: string,
): Promise<string | null> {
  if (name === 'bin') {
    const kind = fileKind(target);
    if (kind !== 'executable') {
      throw invalidArgument(`set bin ${value}: ${fileProblem(kind)}. Give the path of the nanobpmn server binary.`);
    }
    const wrong = cannotRunOnThisHost(target);
    if (wrong)
      throw new UserError(
        `${target} ${wrong}. Use the ${platformIdOf({ platform: ctx.platform, arch: process.arch })} engine: "${ctx.prog} set bin <its path>"; nothing was saved.`,
        { code: 'binary-wrong-platform' },
      );
    return (await checkEngineVersion(target, hostGlibcVersion)).version;
  }
  const existing = await stat(target).catch(() => undefined);
  if (existing && !existing.isDirectory())
    throw invalidArgument(`set model-dir ${value}: it exists and is not a directory.`);
  await ensurePrivateDir(path.join(target, 'models'));
  await ensurePrivateDir(path.join(target, 'workers'));
  return null;
}

function setDocument(name: SettingName, value: string, version: string | null, restartNeeded: boolean): SetResult {
  return name === 'bin'
    ? { schemaVersion: SCHEMA_VERSION, ok: true, setting: name, value, version, restartNeeded }
    : { schemaVersion: SCHEMA_VERSION, ok: true, setting: name, value, restartNeeded };
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
  const version = await checkSetting(ctx, name, value, target);

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
  out.result(setDocument(name, target, version, restartNeeded));
  return EXIT.ok;
}

export async function unsetCommand(ctx: CommandContext, args: NanoArgs<'unset'>): Promise<number> {
  const { out, layout } = ctx;
  const name = settingName(args.positionals[0], 'unset');
  const config = await readConfig(layout.configFile);
  const key = SETTINGS[name];
  if (config[key] === undefined) {
    out.info(`${name} is not set; nothing to do.`);
    out.result({ schemaVersion: SCHEMA_VERSION, ok: true, setting: name, changed: false } satisfies UnsetResult);
    return EXIT.ok;
  }
  const { [key]: _removed, ...rest } = config;
  await writeConfig(layout.configFile, rest as NanoConfig);
  out.success(
    name === 'bin'
      ? 'Engine binary setting removed; the binary is found as usual again.'
      : `Workspace setting removed; the default ${layout.defaultWorkspace} is used again.`,
  );
  out.result({ schemaVersion: SCHEMA_VERSION, ok: true, setting: name, changed: true } satisfies UnsetResult);
  return EXIT.ok;
}

/** Why there is no usable binary, in one line with the error's details. */
const failureText = (error: unknown): string =>
  error instanceof UserError ? [error.message, ...error.details].join(' ') : errorMessage(error);

/** The binary `start` would run right now, or why there is none. */
async function binaryNow(ctx: CommandContext, config: NanoConfig): Promise<ConfigBinaryEntry> {
  try {
    const found = findEngineBinary({ configured: config.binary, env: ctx.env, cwd: ctx.cwd });
    const binary = {
      path: found.path,
      source: found.source,
      sourceLabel: found.sourceLabel,
      version: null,
      error: null,
    };
    try {
      return { ...binary, version: (await checkEngineVersion(found.path, hostGlibcVersion)).version };
    } catch (error) {
      return { ...binary, error: failureText(error) };
    }
  } catch (error) {
    return { path: null, source: null, sourceLabel: null, version: null, error: failureText(error) };
  }
}

interface ConfigView {
  readonly config: NanoConfig;
  readonly binary: ConfigBinaryEntry;
  readonly bundled: BinaryManifest | undefined;
  readonly workspace: { readonly path: string; readonly configured: boolean };
  readonly running: boolean;
  readonly cluster: ClusterSettings | null;
  readonly replication: { readonly tier: string; readonly from: string };
}

async function configView(ctx: CommandContext): Promise<ConfigView> {
  const config = await readConfig(ctx.layout.configFile);
  const bundled = bundledManifest();
  const binary = await binaryNow(ctx, config);
  const workspace = {
    path: config.workspaceDir ?? ctx.layout.defaultWorkspace,
    configured: config.workspaceDir !== undefined,
  };
  const { running, settings: cluster } = await clusterRunning(ctx);
  return { config, binary, bundled, workspace, running, cluster, replication: replicationChoice(ctx) };
}

function printConfig(ctx: CommandContext, v: ConfigView): void {
  const { out, layout } = ctx;
  const { binary, bundled, cluster, running } = v;
  out.info(`Home          ${layout.home}${ctx.env.C8CTL_NANO_HOME ? ' (C8CTL_NANO_HOME)' : ''}`);
  out.info(`Config file   ${layout.configFile}`);
  out.info(`State file    ${layout.stateFile}${running ? ' (a cluster is running)' : ''}`);
  out.info(`Data          ${layout.dataDir}`);
  out.info(`Logs          ${layout.logsDir}`);
  out.info(`Workspace     ${v.workspace.path} (${v.workspace.configured ? 'set with "set model-dir"' : 'default'})`);
  if (binary.path === null) out.info(`Engine        none usable: ${binary.error}`);
  else
    out.info(
      `Engine        ${binary.path}\n              from ${binary.sourceLabel}, version ${binary.version ?? 'unknown'}${binary.error ? ` (${binary.error})` : ''}`,
    );
  out.info(`Bundled nano  ${bundled?.version ?? 'unknown'}${bundled?.commit ? ` (${bundled.commit})` : ''}`);
  const mismatch = binary.source === null ? null : versionMismatch(bundled, binary.source, binary.version);
  if (mismatch) out.warn(mismatch);
  out.info(
    `Replication   ${v.replication.tier} for a new Raft cluster (${v.replication.from})${cluster?.raft ? `; the ${running ? 'running' : 'last'} cluster: ${cluster.replication}` : ''}`,
  );
  if (cluster)
    out.info(
      `Storage       ${cluster.storage === 'memory' ? 'memory' : layout.dataDir} (the ${running ? 'running' : 'last'} cluster)${cluster.historyMax !== null ? `; at most ${cluster.historyMax} completed instances per node` : ''}`,
    );
  out.info(`Settings      bin=${v.config.binary ?? '(not set)'}  model-dir=${v.config.workspaceDir ?? '(not set)'}`);
}

function configDocument(ctx: CommandContext, v: ConfigView): ConfigResult {
  const { layout } = ctx;
  const { cluster, running } = v;
  return {
    schemaVersion: SCHEMA_VERSION,
    home: layout.home,
    configFile: layout.configFile,
    stateFile: layout.stateFile,
    dataDir: layout.dataDir,
    logsDir: layout.logsDir,
    workspace: v.workspace,
    binary: v.binary,
    bundled: v.bundled ?? null,
    settings: { bin: v.config.binary ?? null, 'model-dir': v.config.workspaceDir ?? null },
    clusterRunning: running,
    replication: {
      default: v.replication.tier,
      from: v.replication.from,
      cluster: cluster?.raft ? cluster.replication : null,
    },
    cluster: cluster ? { running, storage: cluster.storage, historyMax: cluster.historyMax } : null,
  };
}

export async function configCommand(ctx: CommandContext): Promise<number> {
  const view = await configView(ctx);
  printConfig(ctx, view);
  ctx.out.result(configDocument(ctx, view));
  return EXIT.ok;
}
