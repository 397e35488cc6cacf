// `processos set <key> <value>` and `processos config`. Settings live under "processos" in config.json.
import path from 'node:path';
import { findEngineBinary } from '../binary/find.js';
import { cannotRunOnThisHost, fileKind } from '../binary/host.js';
import { fileProblem } from '../binary/resolve.js';
import type { ProcessosArgs } from '../kit/args.js';
import { parsePort } from '../values.js';
import { errorMessage, EXIT, invalidArgument, UserError } from '../errors.js';
import { assertTrusted } from '../os/trusted-path.js';
import { readConfig, writeConfig } from '../state/config.js';
import { ensurePrivateDir } from '../state/home.js';
import type { CommandContext } from '../kit/context.js';
import { checkUrl, planProcessos } from './plan.js';
import { platformIdOf } from '../binary/executable-format.js';
import { httpUrlProblem } from './download-manifest.js';
import { downloadSource, reportDownload, type DownloadReport } from './download.js';
import { findProcessos } from './find.js';
import { hasExplicitProcessos } from './resolve.js';
import {
  ENV_NAME,
  maskedEnv,
  processosSettings,
  withProcessosSettings,
  type ProcessosSettings,
} from '../state/processos-settings.js';

const KEYS = ['bin', 'port', 'nano-url', 'data-dir', 'download-url', 'env'] as const;
type Key = (typeof KEYS)[number];

export async function processosSet(ctx: CommandContext, args: ProcessosArgs<'set'>): Promise<number> {
  const { out, layout } = ctx;
  const [key, value] = args.positionals;
  if (key === undefined) throw invalidArgument(`set needs a setting: ${KEYS.join(', ')}.`);
  if (!(KEYS as readonly string[]).includes(key))
    throw invalidArgument(`Unknown setting "${key}". Settings: ${KEYS.join(', ')}.`);
  if (value === undefined)
    throw invalidArgument(
      `set ${key} needs a value. Example: ${ctx.prog} set ${key} ${key === 'env' ? 'PROCESSOS_LLM_MODEL=small' : key === 'port' ? '8090' : key === 'nano-url' ? 'http://localhost:8080' : key === 'download-url' ? 'https://example.com/processos/manifest.json ("" unsets it)' : '<path>'}`,
    );

  const config = await readConfig(layout.configFile);
  const current = processosSettings(config, layout.configFile);
  let next: ProcessosSettings;
  let said: string;
  switch (key as Key) {
    case 'bin': {
      const file = path.resolve(ctx.cwd, value);
      const kind = fileKind(file);
      if (kind !== 'executable') throw invalidArgument(`set bin ${value}: ${fileProblem(kind)}.`);
      const wrong = cannotRunOnThisHost(file);
      if (wrong)
        throw new UserError(
          `${file} ${wrong}. Use the ${platformIdOf(process)} build of ProcessOS: "${ctx.prog} set bin <its path>"; nothing was saved.`,
          { code: 'binary-wrong-platform' },
        );
      assertTrusted(file, 'program');
      next = { ...current, binary: file };
      said = `ProcessOS binary set to ${file}.`;
      break;
    }
    case 'port':
      next = { ...current, port: parsePort('port', value) };
      said = `ProcessOS port set to ${next.port}.`;
      break;
    case 'nano-url':
      next = { ...current, nanoUrl: checkUrl('nano-url', value) };
      said = `Target engine set to ${next.nanoUrl}.`;
      break;
    case 'download-url': {
      // An empty value unsets it, as "set env KEY=" does.
      const { downloadUrl: _old, ...rest } = current;
      if (value.trim() === '') {
        next = rest;
        said =
          'Download URL removed: ProcessOS is no longer downloaded (the installed copy is kept until you remove it).';
        break;
      }
      const problem = httpUrlProblem(value);
      if (problem)
        throw invalidArgument(
          `set download-url "${value}" ${problem}; nothing was saved. Example: ${ctx.prog} set download-url https://example.com/processos/manifest.json`,
        );
      next = { ...rest, downloadUrl: value };
      said = `ProcessOS is downloaded from the manifest ${value}${current.binary !== undefined ? `, but the binary saved with "set bin" (${current.binary}) still wins over it` : ''}.`;
      break;
    }
    case 'data-dir':
      next = { ...current, dataDir: path.resolve(ctx.cwd, value) };
      said = `ProcessOS data dir set to ${next.dataDir}.`;
      break;
    case 'env': {
      const eq = value.indexOf('=');
      const name = eq < 0 ? value : value.slice(0, eq);
      if (eq < 0 || !ENV_NAME.test(name))
        throw invalidArgument(
          `set env "${value}" must be KEY=VALUE with KEY made of letters, digits and _ (KEY= removes it).`,
        );
      const { [name]: _old, ...rest } = current.env ?? {};
      const val = value.slice(eq + 1);
      next = { ...current, env: val === '' ? rest : { ...rest, [name]: val } };
      said =
        val === '' ? `${name} removed from the ProcessOS environment.` : `${name} is passed to ProcessOS from now on.`;
      break;
    }
  }
  await ensurePrivateDir(layout.home);
  await writeConfig(layout.configFile, withProcessosSettings(config, next));
  out.success(`${said} It applies from the next start.`);
  out.result({ ok: true, setting: key, processos: { ...next, env: maskedEnv(next.env ?? {}) } });
  return EXIT.ok;
}

export async function processosConfig(ctx: CommandContext): Promise<number> {
  const { out, layout } = ctx;
  const config = await readConfig(layout.configFile);
  const settings = processosSettings(config, layout.configFile);

  let binary: { path: string | null; source: string | null; error: string | null } = {
    path: null,
    source: null,
    error: null,
  };
  const source = downloadSource(settings, ctx.env);
  let download: DownloadReport | null = null;
  if (source && !hasExplicitProcessos({ configured: settings.binary, env: ctx.env })) {
    download = await reportDownload(
      source,
      layout.processos.binDir,
      platformIdOf({ platform: ctx.platform, arch: process.arch }),
    );
    binary = {
      path: download.installed?.path ?? null,
      source: 'download',
      error: download.installed ? null : `not downloaded yet; the next start fetches it from ${source.url}`,
    };
  } else {
    try {
      const found = findProcessos({
        configured: settings.binary,
        env: ctx.env,
        cwd: ctx.cwd,
        platform: ctx.platform,
        prog: ctx.prog,
      });
      binary = { path: found.path, source: found.source, error: null };
    } catch (error) {
      binary.error = error instanceof UserError ? error.message : errorMessage(error);
    }
  }
  let nanoBinary: string | undefined;
  try {
    nanoBinary = findEngineBinary({ configured: config.binary, env: ctx.env, cwd: ctx.cwd }).path;
  } catch {
    nanoBinary = undefined;
  }
  // What a plain `processos start` would use now.
  let plan;
  try {
    plan = planProcessos({
      flags: {},
      settings,
      userEnv: ctx.env,
      home: layout.home,
      defaultDataDir: layout.processos.defaultDataDir,
      nanoBinary,
    });
  } catch (error) {
    plan = undefined;
    out.warn(errorMessage(error));
  }

  out.info(`Binary        ${binary.path ? `${binary.path} (from ${binary.source})` : `none: ${binary.error}`}`);
  if (download) {
    const { installed, published } = download;
    const now =
      published === null
        ? `the manifest could not be asked: ${download.cause}`
        : download.fetchAtNextStart
          ? `${published} is published; the next start downloads it`
          : `${published} is published; up to date`;
    out.info(
      `Download      ${installed ? `ProcessOS ${installed.version}` : 'nothing installed'} from ${download.manifestUrl} (${download.from}); ${now}`,
    );
  } else if (source) {
    out.info(`Download      ${source.url} (${source.from}) is not used: a binary path is given, and it wins`);
  }
  out.info(`Port          ${plan?.port ?? '?'}${settings.port !== undefined ? ' (set port)' : ''}`);
  out.info(`Target Nano   ${plan?.nanoUrl ?? '?'}${settings.nanoUrl !== undefined ? ' (set nano-url)' : ''}`);
  out.info(`Data dir      ${plan?.dataDir ?? '?'}${settings.dataDir !== undefined ? ' (set data-dir)' : ''}`);
  out.info(`Pilot engine  ${plan?.spawnNano ? `on, from ${plan.nanoBinary}` : 'off'}`);
  out.info(
    `Passthrough   ${
      Object.entries(maskedEnv(settings.env ?? {}))
        .map(([k, v]) => `${k}=${v}`)
        .join(' ') || '(none)'
    }`,
  );
  out.info(`State file    ${layout.processos.stateFile}`);
  out.info(`Log           ${layout.processos.log}`);
  out.info(`Config file   ${layout.configFile} (under "processos")`);
  out.result({
    binary,
    download: download ?? (source ? { manifestUrl: source.url, from: source.from, used: false } : null),
    port: plan?.port ?? null,
    nanoUrl: plan?.nanoUrl ?? null,
    dataDir: plan?.dataDir ?? null,
    spawnNano: plan?.spawnNano ?? null,
    nanoBinary: plan?.nanoBinary ?? null,
    settings: { ...settings, env: maskedEnv(settings.env ?? {}) },
    stateFile: layout.processos.stateFile,
    log: layout.processos.log,
    configFile: layout.configFile,
  });
  return EXIT.ok;
}
