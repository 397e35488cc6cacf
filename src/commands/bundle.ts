// `nano bundle [--out <file.tar.gz>] [--log-mb <MB>]`: one archive for a bug report. Logs (the end of
// each), state and config with secrets redacted, what each reachable node says about the cluster, the
// doctor report, versions. Works with no cluster running.
import { chmod, lstat, mkdir, mkdtemp, open, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { NanoArgs } from '../kit/args.js';
import { hostGlibcVersion } from '../binary/host.js';
import { bundledManifest } from '../binary/manifest.js';
import { redact, secretsOf } from '../cluster/redact.js';
import { redactUrls } from '../safe-text.js';
import { parseWholeNumber } from '../values.js';
import { EXIT, errorMessage, invalidArgument, UserError } from '../errors.js';
import { maskedEnv, processosSettings } from '../state/processos-settings.js';
import { readClusterState, type ClusterState } from '../state/cluster-state.js';
import { readConfig } from '../state/config.js';
import { readTrustedJsonFile } from '../state/files.js';
import { pluginVersion } from '../version.js';
import type { CommandContext } from '../kit/context.js';
import { runDoctor, formatCheck } from '../ops/doctor-checks.js';

const DEFAULT_LOG_MB = 5;
const LIVE_ENDPOINTS = [
  ['topology.json', '/v2/topology'],
  ['console-topology.json', '/console/api/topology'],
  ['cluster-health.json', '/console/api/cluster/health'],
] as const;

/** The last `bytes` of a file, starting at a line boundary. */
async function tailBytes(file: string, bytes: number): Promise<string | null> {
  const handle = await open(file, 'r').catch(() => null);
  if (!handle) return null;
  try {
    const { size } = await handle.stat();
    const start = Math.max(0, size - bytes);
    const buffer = Buffer.alloc(size - start);
    await handle.read(buffer, 0, buffer.length, start);
    const text = buffer.toString('utf8');
    return start === 0 ? text : `[… earlier output left out …]\n${text.slice(text.indexOf('\n') + 1)}`;
  } finally {
    await handle.close();
  }
}

/** cluster.json with every node's secret replaced. */
function redactedState(state: ClusterState): unknown {
  const secrets = secretsOf(state);
  return JSON.parse(redact(JSON.stringify(state), secrets));
}

/**
 * Whether the archive may go to `target`: yes when nothing is there; an existing file (or symlink) is
 * replaced only with --force, c8ctl's --yes, or a yes on the terminal, never silently.
 */
async function mayWrite(ctx: CommandContext, target: string, force: boolean): Promise<boolean> {
  const existing = await lstat(target).catch(() => undefined);
  if (!existing || existing.isDirectory() || force || ctx.assumeYes) return true;
  if (!ctx.interactive) {
    throw new UserError(
      `--out ${target} already exists and bundle does not overwrite it silently. Add --force to replace it, or give another --out.`,
      { code: 'file-exists' },
    );
  }
  return ctx.effects.confirm(`${target} already exists. Replace it?`);
}

export async function bundleCommand(ctx: CommandContext, args: NanoArgs<'bundle'>): Promise<number> {
  const { out, layout, effects } = ctx;
  const mbText = args.flags['log-mb'];
  const mb = mbText === undefined ? DEFAULT_LOG_MB : parseWholeNumber(mbText);
  if (mb === undefined || mb < 1 || mb > 1024)
    throw invalidArgument(`--log-mb "${mbText}" must be a whole number of megabytes from 1 to 1024.`);
  const target = path.resolve(
    ctx.cwd,
    args.flags.out ?? `c8ctl-nano-bundle-${new Date().toISOString().replace(/[:.]/g, '-')}.tar.gz`,
  );
  if (!target.endsWith('.tar.gz') && !target.endsWith('.tgz'))
    throw invalidArgument(`--out "${args.flags.out}" should end in .tar.gz (it is a gzip'd tar).`);
  const targetDir = await stat(path.dirname(target)).catch(() => undefined);
  if (!targetDir?.isDirectory())
    throw invalidArgument(`--out ${target}: the folder ${path.dirname(target)} does not exist.`);
  if ((await stat(target).catch(() => undefined))?.isDirectory())
    throw invalidArgument(
      `--out ${target} is a directory; give the path of a file to write, e.g. --out '${path.join(target, 'bundle.tar.gz')}'.`,
    );
  if (!(await mayWrite(ctx, target, args.flags.force === true))) {
    out.info(`Nothing written; ${target} is unchanged.`);
    out.result({ ok: true, file: null, bytes: 0, notes: [] });
    return EXIT.ok;
  }

  const staging = await mkdtemp(path.join(os.tmpdir(), 'c8ctl-nano-bundle-'));
  const notes: string[] = [];
  try {
    // Every file archived: no URL keeps its credentials (a download URL with a token, say).
    const put = async (rel: string, content: string): Promise<void> => {
      await mkdir(path.join(staging, path.dirname(rel)), { recursive: true });
      await writeFile(path.join(staging, rel), redactUrls(content), { mode: 0o600 });
    };
    const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

    // State and config, redacted. A corrupt state file goes in as it is found, redacted as text.
    let state: ClusterState | null = null;
    try {
      state = await readClusterState(layout.stateFile);
      if (state) await put('state/cluster.json', json(redactedState(state)));
    } catch (error) {
      notes.push(`cluster.json could not be read: ${errorMessage(error)}`);
    }
    const secrets = secretsOf(state);
    try {
      const config = await readConfig(layout.configFile);
      const processos = processosSettings(config, layout.configFile);
      await put(
        'state/config.json',
        json({
          ...config,
          ...(config.processos ? { processos: { ...processos, env: maskedEnv(processos.env ?? {}) } } : {}),
        }),
      );
    } catch (error) {
      notes.push(`config.json could not be read: ${errorMessage(error)}`);
    }
    for (const file of [layout.lastClusterFile, layout.processos.stateFile]) {
      try {
        const read = await readTrustedJsonFile(file);
        if (read.kind === 'ok') await put(`state/${path.basename(file)}`, redact(json(read.value), secrets));
      } catch (error) {
        notes.push(`${path.basename(file)} could not be read: ${errorMessage(error)}`);
      }
    }

    // Logs: the end of each, redacted.
    const logs = await readdir(layout.logsDir).catch(() => [] as string[]);
    for (const name of logs.filter((n) => n.endsWith('.log'))) {
      const text = await tailBytes(path.join(layout.logsDir, name), mb * 1024 * 1024);
      if (text !== null) await put(`logs/${name}`, redact(text, secrets));
    }

    // What each reachable node says, asked all at once with short timeouts.
    if (state) {
      await Promise.all(
        state.nodes.flatMap((node) =>
          LIVE_ENDPOINTS.map(async ([file, endpoint]) => {
            const answer = await effects.probe.getJson(`${node.url}${endpoint}`, 2_000);
            if (answer.kind === 'answers')
              await put(`live/node-${node.id}/${file}`, redact(json(answer.body), secrets));
            else notes.push(`node ${node.id} ${endpoint}: ${answer.kind}`);
          }),
        ),
      );
    }

    const checks = await runDoctor(ctx);
    await put('doctor.json', json(checks));
    await put('doctor.txt', `${checks.flatMap(formatCheck).join('\n')}\n`);
    await put(
      'versions.json',
      json({
        plugin: pluginVersion(),
        bundledEngine: bundledManifest()?.version ?? null,
        engine: state?.binary.version ?? null,
        node: process.version,
        os: {
          type: os.type(),
          release: os.release(),
          platform: process.platform,
          arch: process.arch,
          glibc: hostGlibcVersion() ?? null,
        },
        c8ctl: ctx.hostVersion ?? null,
        createdAt: new Date().toISOString(),
      }),
    );
    await put(
      'README.txt',
      `${['c8ctl-nano diagnostics bundle. Secrets (the cluster secret, credential-like settings) are redacted.', ...notes.map((n) => `note: ${n}`)].join('\n')}\n`,
    );

    const { create } = await import('tar');
    const entries = (await readdir(staging)).sort();
    // Written beside the target, then renamed over it: a symlink at --out is replaced itself, never
    // written through (into someone else's file), and a failed write leaves the target as it was.
    const temp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.tmp`);
    try {
      await create({ gzip: true, file: temp, cwd: staging, portable: true }, entries);
      await chmod(temp, 0o600);
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    const size = (await stat(target)).size;
    out.success(
      `Wrote ${target} (${size < 1024 * 1024 ? `${Math.ceil(size / 1024)} KiB` : `${(size / 1024 / 1024).toFixed(1)} MiB`}). Attach it to your bug report.`,
    );
    for (const note of notes) out.warn(note);
    out.result({ ok: true, file: target, bytes: size, notes });
    return EXIT.ok;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
