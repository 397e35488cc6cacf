// What `bundle` puts in its archive, gathered into a staging folder: state and config with secrets
// redacted, the end of each log, what each reachable node says, the doctor report, versions. Each
// collector returns notes on what it could not get, so the archive says what is missing and why.
import { mkdir, open, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { hostGlibcVersion } from '../binary/host.js';
import { bundledManifest } from '../binary/manifest.js';
import { redact, secretsOf } from '../cluster/redact.js';
import { errorMessage } from '../errors.js';
import type { CommandContext } from '../kit/context.js';
import { formatCheck, runDoctor } from '../ops/doctor-checks.js';
import { redactUrls } from '../safe-text.js';
import { readClusterState, type ClusterState } from '../state/cluster-state.js';
import { readConfig } from '../state/config.js';
import { readTrustedJsonFile } from '../state/files.js';
import { maskedEnv, processosSettings } from '../state/processos-settings.js';
import { pluginVersion } from '../version.js';

const LIVE_ENDPOINTS = [
  ['topology.json', '/v2/topology'],
  ['console-topology.json', '/console/api/topology'],
  ['cluster-health.json', '/console/api/cluster/health'],
] as const;

export interface BundleContents {
  /** The folder the archive is made from. */
  readonly staging: string;
  /** How much of the end of each log goes in. */
  readonly logBytes: number;
  /** The wall clock, for versions.json's createdAt. */
  readonly now: () => Date;
}

/** Writes one file of the archive; no URL in it keeps its credentials (a download URL with a token, say). */
type Put = (rel: string, content: string) => Promise<void>;

function stagingWriter(staging: string): Put {
  return async (rel, content) => {
    await mkdir(path.join(staging, path.dirname(rel)), { recursive: true });
    await writeFile(path.join(staging, rel), redactUrls(content), { mode: 0o600 });
  };
}

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

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
  return JSON.parse(redact(JSON.stringify(state), secretsOf(state)));
}

/** The state, redacted; a corrupt one goes in as a note, not a failure. */
async function collectState(ctx: CommandContext, put: Put): Promise<{ state: ClusterState | null; notes: string[] }> {
  try {
    const state = await readClusterState(ctx.layout.stateFile);
    if (state) await put('state/cluster.json', json(redactedState(state)));
    return { state, notes: [] };
  } catch (error) {
    return { state: null, notes: [`cluster.json could not be read: ${errorMessage(error)}`] };
  }
}

/** config.json, with the processos environment's values masked. */
async function collectConfig(ctx: CommandContext, put: Put): Promise<string[]> {
  const file = ctx.layout.configFile;
  try {
    const config = await readConfig(file);
    const processos = processosSettings(config, file);
    const masked = config.processos ? { processos: { ...processos, env: maskedEnv(processos.env ?? {}) } } : {};
    await put('state/config.json', json({ ...config, ...masked }));
    return [];
  } catch (error) {
    return [`config.json could not be read: ${errorMessage(error)}`];
  }
}

/** The other state files (the last cluster's settings, processos' state), redacted. */
async function collectOtherState(ctx: CommandContext, put: Put, secrets: readonly string[]): Promise<string[]> {
  const notes: string[] = [];
  for (const file of [ctx.layout.lastClusterFile, ctx.layout.processos.stateFile]) {
    try {
      const read = await readTrustedJsonFile(file);
      if (read.kind === 'ok') await put(`state/${path.basename(file)}`, redact(json(read.value), secrets));
    } catch (error) {
      notes.push(`${path.basename(file)} could not be read: ${errorMessage(error)}`);
    }
  }
  return notes;
}

/** The end of each log, redacted. */
async function collectLogs(ctx: CommandContext, put: Put, bytes: number, secrets: readonly string[]): Promise<void> {
  const logs = await readdir(ctx.layout.logsDir).catch(() => [] as string[]);
  for (const name of logs.filter((n) => n.endsWith('.log'))) {
    const text = await tailBytes(path.join(ctx.layout.logsDir, name), bytes);
    if (text !== null) await put(`logs/${name}`, redact(text, secrets));
  }
}

/** What each node says, asked all at once with short timeouts; a node that does not answer is a note. */
async function collectLive(ctx: CommandContext, put: Put, state: ClusterState): Promise<string[]> {
  const secrets = secretsOf(state);
  const asked = state.nodes.flatMap((node) =>
    LIVE_ENDPOINTS.map(async ([file, endpoint]): Promise<string[]> => {
      const answer = await ctx.effects.probe.getJson(`${node.url}${endpoint}`, 2_000);
      if (answer.kind !== 'answers') return [`node ${node.id} ${endpoint}: ${answer.kind}`];
      await put(`live/node-${node.id}/${file}`, redact(json(answer.body), secrets));
      return [];
    }),
  );
  return (await Promise.all(asked)).flat();
}

function versions(ctx: CommandContext, state: ClusterState | null, createdAt: Date): unknown {
  return {
    plugin: pluginVersion(),
    bundledEngine: bundledManifest()?.version ?? null,
    engine: state?.binary.version ?? null,
    node: process.version,
    os: {
      type: os.type(),
      release: os.release(),
      platform: ctx.platform,
      arch: process.arch,
      glibc: hostGlibcVersion() ?? null,
    },
    c8ctl: ctx.hostVersion ?? null,
    createdAt: createdAt.toISOString(),
  };
}

/** Fills the staging folder; returns the notes on what could not be collected (also in its README). */
export async function collectBundle(ctx: CommandContext, contents: BundleContents): Promise<string[]> {
  const put = stagingWriter(contents.staging);
  const { state, notes: stateNotes } = await collectState(ctx, put);
  const secrets = secretsOf(state);
  const notes = [...stateNotes, ...(await collectConfig(ctx, put)), ...(await collectOtherState(ctx, put, secrets))];
  await collectLogs(ctx, put, contents.logBytes, secrets);
  if (state) notes.push(...(await collectLive(ctx, put, state)));
  const checks = await runDoctor(ctx);
  await put('doctor.json', json(checks));
  await put('doctor.txt', `${checks.flatMap(formatCheck).join('\n')}\n`);
  await put('versions.json', json(versions(ctx, state, contents.now())));
  const readme = [
    'c8ctl-nano diagnostics bundle. Secrets (the cluster secret, credential-like settings) are redacted.',
    ...notes.map((n) => `note: ${n}`),
  ];
  await put('README.txt', `${readme.join('\n')}\n`);
  return notes;
}
