// What `processos config` shows: the binary a plain start would run (asking a download manifest what
// it publishes, never downloading), the plan that start would follow, and the files involved. Gathered
// once, then put in lines for the text and in one document for --json.
import { findEngineBinary } from '../binary/find.js';
import { platformIdOf } from '../binary/executable-format.js';
import { errorMessage, UserError } from '../errors.js';
import type { CommandContext } from '../kit/context.js';
import { SCHEMA_VERSION } from '../results/common.js';
import type { ProcessosConfigResult, ProcessosShownSettings } from '../results/processos.js';
import { readConfig, type NanoConfig } from '../state/config.js';
import type { Layout } from '../state/layout.js';
import { maskedEnv, processosSettings, type ProcessosSettings } from '../state/processos-settings.js';
import { downloadSource, reportDownload, type DownloadReport, type DownloadSource } from './download.js';
import { findProcessos } from './find.js';
import { planProcessos, type ProcessosPlan } from './plan.js';
import { hasExplicitProcessos } from './resolve.js';

/** The settings as shown: passthrough values that look like credentials masked. */
export const shownSettings = (settings: ProcessosSettings): ProcessosShownSettings => ({
  ...settings,
  env: maskedEnv(settings.env ?? {}),
});

/** Everything config reports. */
export interface ConfigView {
  readonly settings: ProcessosSettings;
  readonly binary: ProcessosConfigResult['binary'];
  readonly source: DownloadSource | undefined;
  /** The download report, when the binary comes from the download URL (no path given beats it). */
  readonly download: DownloadReport | null;
  /** What a plain `processos start` would use now; undefined when it cannot be planned (a warning said why). */
  readonly plan: ProcessosPlan | undefined;
}

export async function gatherConfig(ctx: CommandContext): Promise<ConfigView> {
  const config = await readConfig(ctx.layout.configFile);
  const settings = processosSettings(config, ctx.layout.configFile);
  const source = downloadSource(settings, ctx.env);
  const { binary, download } = await binaryToShow(ctx, settings, source);
  const plan = plainPlan(ctx, settings, nanoBinaryOf(ctx, config));
  return { settings, binary, source, download, plan };
}

async function binaryToShow(
  ctx: CommandContext,
  settings: ProcessosSettings,
  source: DownloadSource | undefined,
): Promise<Pick<ConfigView, 'binary' | 'download'>> {
  if (source && !hasExplicitProcessos({ configured: settings.binary, env: ctx.env })) {
    // The host's own architecture: the context knows the platform only.
    const platform = platformIdOf({ platform: ctx.platform, arch: process.arch });
    const download = await reportDownload(source, ctx.layout.processos.binDir, platform);
    const path = download.installed?.path ?? null;
    const error = download.installed ? null : `not downloaded yet; the next start fetches it from ${source.url}`;
    return { binary: { path, source: 'download', error }, download };
  }
  try {
    const found = findProcessos({
      configured: settings.binary,
      env: ctx.env,
      cwd: ctx.cwd,
      platform: ctx.platform,
      prog: ctx.prog,
    });
    return { binary: { path: found.path, source: found.source, error: null }, download: null };
  } catch (error) {
    const why = error instanceof UserError ? error.message : errorMessage(error);
    return { binary: { path: null, source: null, error: why }, download: null };
  }
}

/** The engine binary nano would use, for the pilot; undefined when there is none. */
function nanoBinaryOf(ctx: CommandContext, config: NanoConfig): string | undefined {
  try {
    return findEngineBinary({ configured: config.binary, env: ctx.env, cwd: ctx.cwd }).path;
  } catch {
    return undefined;
  }
}

function plainPlan(
  ctx: CommandContext,
  settings: ProcessosSettings,
  nanoBinary: string | undefined,
): ProcessosPlan | undefined {
  try {
    return planProcessos({
      flags: {},
      settings,
      userEnv: ctx.env,
      home: ctx.layout.home,
      defaultDataDir: ctx.layout.processos.defaultDataDir,
      nanoBinary,
    });
  } catch (error) {
    ctx.out.warn(errorMessage(error));
    return undefined;
  }
}

/** The download line: what is installed, from where, and what the manifest publishes now. */
function downloadLine(download: DownloadReport): string {
  const { installed, published } = download;
  const now =
    published === null
      ? `the manifest could not be asked: ${download.cause}`
      : download.fetchAtNextStart
        ? `${published} is published; the next start downloads it`
        : `${published} is published; up to date`;
  return `Download      ${installed ? `ProcessOS ${installed.version}` : 'nothing installed'} from ${download.manifestUrl} (${download.from}); ${now}`;
}

export function configLines({ settings, binary, source, download, plan }: ConfigView, layout: Layout): string[] {
  const set = (value: unknown, name: string): string => (value !== undefined ? ` (set ${name})` : '');
  const passthrough = Object.entries(maskedEnv(settings.env ?? {}))
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  return [
    `Binary        ${binary.path ? `${binary.path} (from ${binary.source})` : `none: ${binary.error}`}`,
    ...(download
      ? [downloadLine(download)]
      : source
        ? [`Download      ${source.url} (${source.from}) is not used: a binary path is given, and it wins`]
        : []),
    `Port          ${plan?.port ?? '?'}${set(settings.port, 'port')}`,
    `Target Nano   ${plan?.nanoUrl ?? '?'}${set(settings.nanoUrl, 'nano-url')}`,
    `Data dir      ${plan?.dataDir ?? '?'}${set(settings.dataDir, 'data-dir')}`,
    `Pilot engine  ${plan?.spawnNano ? `on, from ${plan.nanoBinary}` : 'off'}`,
    `Passthrough   ${passthrough || '(none)'}`,
    `State file    ${layout.processos.stateFile}`,
    `Log           ${layout.processos.log}`,
    `Config file   ${layout.configFile} (under "processos")`,
  ];
}

export function configResult(
  { settings, binary, source, download, plan }: ConfigView,
  layout: Layout,
): ProcessosConfigResult {
  return {
    schemaVersion: SCHEMA_VERSION,
    binary,
    download: download ?? (source ? { manifestUrl: source.url, from: source.from, used: false } : null),
    port: plan?.port ?? null,
    nanoUrl: plan?.nanoUrl ?? null,
    dataDir: plan?.dataDir ?? null,
    spawnNano: plan?.spawnNano ?? null,
    nanoBinary: plan?.nanoBinary ?? null,
    settings: shownSettings(settings),
    stateFile: layout.processos.stateFile,
    log: layout.processos.log,
    configFile: layout.configFile,
  };
}
