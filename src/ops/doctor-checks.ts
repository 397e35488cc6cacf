// The checks `doctor` runs (binary, home, state, ports, host), each with its fix. An operation:
// `doctor` prints them and `bundle` archives them.
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import path from 'node:path';
import { describeHost } from '../../platforms.js';
import { findEngineBinary } from '../binary/find.js';
import type { ResolvedBinary } from '../binary/resolve.js';
import { currentHost, hostGlibcVersion } from '../binary/host.js';
import { bundledManifest, DEV_VERSION, versionMismatch } from '../binary/manifest.js';
import { checkEngineVersion } from '../binary/version.js';
import { anyAlive, describeEngines, observeProcesses, untracked } from '../cluster/lifecycle.js';
import { nodeUrl } from '../cluster/plan.js';
import { DEFAULT_BASE_PORT } from '../cluster/start-options.js';
import { describeProduct, identifyProduct } from '../cluster/topology.js';
import { compareVersions } from '../binary/engine-output.js';
import { errorMessage, UserError } from '../errors.js';
import { fsUserError } from '../errors-fs.js';
import { untrustedPath, UnsafePermissionsError, type UnsafePath } from '../os/trusted-path.js';
import { describeHolder } from '../os/port-holder.js';
import { readPackageJson } from '../package-files.js';
import { readClusterState, type ClusterState } from '../state/cluster-state.js';
import { readConfig } from '../state/config.js';
import { readLastCluster } from '../state/last-cluster.js';
import type { CommandContext } from '../kit/context.js';
import { PACKAGE_NAME } from '../package-name.js';

export type CheckStatus = 'ok' | 'warn' | 'fail';

/** Each check's id; results/tools.ts declares the same set for --json readers. */
export type CheckId =
  | 'host'
  | 'binary'
  | 'runs'
  | 'bundled'
  | 'home'
  | 'permissions'
  | 'state'
  | 'leftovers'
  | 'ports'
  | 'c8ctl';

export interface DoctorCheck {
  readonly id: CheckId;
  readonly status: CheckStatus;
  readonly summary: string;
  readonly fix?: string;
}

const SYMBOL: Record<CheckStatus, string> = { ok: '✓', warn: '⚠', fail: '✗' };

const ok = (id: CheckId, summary: string): DoctorCheck => ({ id, status: 'ok', summary });
const warn = (id: CheckId, summary: string, fix: string): DoctorCheck => ({ id, status: 'warn', summary, fix });
const fail = (id: CheckId, summary: string, fix: string): DoctorCheck => ({ id, status: 'fail', summary, fix });

/** A file-system failure (a home that is a file, say) as a check: in words, fixed with the home. */
function fsFailure(ctx: CommandContext, id: CheckId, error: unknown): DoctorCheck | undefined {
  const fsError = fsUserError(error, { home: ctx.layout.home });
  return fsError && fail(id, fsError.message, 'Fix the home first (see the home check).');
}
/** A state file refused for its permissions: already one "permissions" failure, not one per reader. */
const refusedHome = (error: unknown): boolean => error instanceof UnsafePermissionsError && error.use === 'state';

/** The engine binary `start` would run, or the failed check saying why there is none (none: the home's check says it). */
async function locateBinary(ctx: CommandContext): Promise<{ binary: ResolvedBinary } | { failed: DoctorCheck[] }> {
  try {
    const config = await readConfig(ctx.layout.configFile);
    return { binary: findEngineBinary({ configured: config.binary, env: ctx.env, cwd: ctx.cwd }) };
  } catch (error) {
    if (refusedHome(error)) return { failed: [] };
    if (error instanceof UnsafePermissionsError)
      return { failed: [fail('binary', `engine binary ${error.unsafe.summary}`, error.unsafe.fix)] };
    const e = error instanceof UserError ? error : undefined;
    // A binary for another platform carries its own fix in the message: "… Use the linux-x64 engine: …".
    const wrongPlatform = e?.code === 'binary-wrong-platform' ? /^(.*?)\. (Use the .*)$/.exec(e.message) : null;
    if (wrongPlatform) return { failed: [fail('binary', wrongPlatform[1]!, wrongPlatform[2]!)] };
    const fix =
      e?.details.find((d) => d.startsWith('Fix') || d.startsWith('Cause')) ??
      'Reinstall with optional dependencies, or point at a binary with --binary / NANOBPMN_BINARY / "set bin".';
    return { failed: [fsFailure(ctx, 'binary', error) ?? fail('binary', e ? e.message : errorMessage(error), fix)] };
  }
}

/** Whether the binary runs here and says a version, and whether that is the bundled engine's. */
async function runsChecks(binary: ResolvedBinary, glibc: string | undefined): Promise<DoctorCheck[]> {
  try {
    const { version, warning } = await checkEngineVersion(binary.path, () => glibc);
    const runs = version
      ? ok('runs', `the engine runs here: version ${version}`)
      : warn('runs', warning ?? 'the engine printed no version', 'Check that the binary is a nanobpmn server build.');
    const manifest = bundledManifest();
    const mismatch = versionMismatch(manifest, binary.source, version);
    const bundled = mismatch
      ? warn(
          'bundled',
          mismatch,
          `Reinstall ${PACKAGE_NAME} so the plugin and its platform package come from one release.`,
        )
      : ok(
          'bundled',
          manifest?.version === DEV_VERSION || !manifest
            ? 'bundled engine version: none (a local checkout)'
            : `matches the bundled engine ${manifest.version}`,
        );
    return [runs, bundled];
  } catch (error) {
    const e = error instanceof UserError ? error : undefined;
    const fix = 'Use an engine built for this host: the platform package of this plugin, or --binary <path>.';
    return [fail('runs', e ? e.message : errorMessage(error), fix)];
  }
}

async function binaryChecks(ctx: CommandContext): Promise<DoctorCheck[]> {
  const glibc = hostGlibcVersion();
  const host = ok(
    'host',
    `host ${describeHost(currentHost())}${glibc ? `, glibc ${glibc}` : ''}, Node ${process.version}`,
  );
  const located = await locateBinary(ctx);
  if ('failed' in located) return [host, ...located.failed];
  const { binary } = located;
  return [
    host,
    ok('binary', `engine binary ${binary.path} (from ${binary.sourceLabel})`),
    ...(await runsChecks(binary, glibc)),
  ];
}

/** Each path of the home that another user could write or swap, once (a bad home would fail every file). */
function unsafeHomePaths(ctx: CommandContext): UnsafePath[] {
  const { layout } = ctx;
  const trusted = [
    layout.configFile,
    layout.stateFile,
    layout.lastClusterFile,
    layout.lockFile,
    layout.processos.stateFile,
    layout.processos.lockFile,
    path.join(layout.dataDir, '.shape.json'),
  ];
  const found = new Map<string, UnsafePath>();
  for (const file of trusted) {
    const unsafe = untrustedPath(file, 'state');
    if (unsafe && !found.has(unsafe.path)) found.set(unsafe.path, unsafe);
  }
  return [...found.values()];
}

async function homeChecks(ctx: CommandContext): Promise<DoctorCheck[]> {
  const home = ctx.layout.home;
  const unsafe = unsafeHomePaths(ctx).map((u) =>
    fail('permissions', `${u.summary}: commands refuse this home until it is fixed`, u.fix),
  );
  const stats = await stat(home).catch(() => undefined);
  if (!stats) return [ok('home', `home ${home} does not exist yet; the first start creates it (0700)`), ...unsafe];
  if (!stats.isDirectory())
    return [
      fail('home', `home ${home} is not a directory`, `Move it aside, or set C8CTL_NANO_HOME to another folder.`),
    ];
  const writable = await access(home, constants.W_OK).then(
    () => true,
    () => false,
  );
  if (!writable)
    return [
      fail(
        'home',
        `home ${home} is not writable by you`,
        `Fix its owner or permissions, or set C8CTL_NANO_HOME to a folder of yours.`,
      ),
      ...unsafe,
    ];
  if (unsafe.length > 0) return unsafe;
  const mode = stats.mode & 0o777;
  // Writable by others is a failure above; readable by others only exposes the cluster secret.
  if (ctx.platform !== 'win32' && (mode & 0o077) !== 0) {
    return [
      warn(
        'home',
        `home ${home} is readable by others (mode ${mode.toString(8)}); it holds the cluster secret`,
        `chmod 700 '${home}'`,
      ),
    ];
  }
  return [ok('home', `home ${home} is private: only you can write it and its files`)];
}

async function stateChecks(ctx: CommandContext): Promise<{ checks: DoctorCheck[]; state: ClusterState | null }> {
  const checks: DoctorCheck[] = [];
  let state: ClusterState | null = null;
  try {
    state = await readClusterState(ctx.layout.stateFile);
    if (!state) checks.push(ok('state', 'no cluster is tracked'));
    else if (anyAlive(await observeProcesses(state.nodes, ctx.effects.readProcess)))
      checks.push(ok('state', `a cluster of ${state.nodes.length} node(s) is tracked and running`));
    else
      checks.push(
        warn(
          'state',
          `the tracked cluster (started ${state.createdAt}) is no longer running: stale state`,
          `${ctx.prog} stop   (forgets it; the next start also does)`,
        ),
      );
  } catch (error) {
    if (!refusedHome(error))
      checks.push(fsFailure(ctx, 'state', error) ?? fail('state', errorMessage(error), `${ctx.prog} stop --force`));
  }
  const strays = untracked(await ctx.effects.findEngines(ctx.layout.home, ctx.layout.dataDir), state);
  checks.push(
    strays.length === 0
      ? ok('leftovers', 'no engine process of this home runs untracked')
      : fail(
          'leftovers',
          `${strays.length} engine process(es) of this home run untracked: ${describeEngines(strays)}`,
          `${ctx.prog} stop --force`,
        ),
  );
  return { checks, state };
}

async function portChecks(ctx: CommandContext, state: ClusterState | null): Promise<DoctorCheck[]> {
  // An unsafe home is reported by the permissions check; its ports are then judged by the defaults.
  const last = await readLastCluster(ctx.layout.lastClusterFile).catch(() => null);
  const base = last?.settings.basePort ?? DEFAULT_BASE_PORT;
  const count = last?.settings.nodes ?? 1;
  const ours = new Set(state?.nodes.map((n) => n.port) ?? []);
  const ports = Array.from({ length: count }, (_, i) => base + i);
  return Promise.all(
    ports.map(async (port) => {
      if ((await ctx.effects.tryBind(port)) === 'free') return ok('ports', `port ${port} is free`);
      if (ours.has(port)) return ok('ports', `port ${port} is held by this home's cluster`);
      const [answer, program] = await Promise.all([
        ctx.effects.probe.getJson(`${nodeUrl(port)}/v2/topology`, 1_000),
        ctx.effects.findPortHolder(port),
      ]);
      const product =
        answer.kind === 'answers' && answer.status < 300
          ? identifyProduct(answer.body)
          : ({ kind: 'unknown' } as const);
      const holder =
        product.kind === 'unknown'
          ? 'another program'
          : `${describeProduct(product)}${product.kind === 'nano' ? ' not tracked by this home' : ''}`;
      return warn(
        'ports',
        `port ${port} is held by ${holder}${program ? `: ${describeHolder(program)}` : ''}`,
        `Start on other ports, e.g. "${ctx.prog} start ${count} --port ${base + 100 - (base % 100)}"`,
      );
    }),
  );
}

function hostCheck(ctx: CommandContext): DoctorCheck | null {
  if (ctx.hostVersion === undefined) return null;
  const wanted = readPackageJson<{ engines?: { c8ctl?: string } }>('package.json')?.engines?.c8ctl ?? '>=0.0.0';
  const minimum = /(\d+\.\d+\.\d+)/.exec(wanted)?.[1] ?? '0.0.0';
  const actual = /(\d+\.\d+\.\d+)/.exec(ctx.hostVersion)?.[1];
  if (actual === undefined)
    return warn('c8ctl', `c8ctl ${ctx.hostVersion}: its version could not be read`, `Use c8ctl ${minimum} or later.`);
  return compareVersions(actual, minimum) >= 0
    ? ok('c8ctl', `c8ctl ${ctx.hostVersion} (this plugin needs ${wanted})`)
    : fail(
        'c8ctl',
        `c8ctl ${ctx.hostVersion} is older than this plugin needs (${wanted})`,
        `npm install -g @camunda8/cli@latest`,
      );
}

export async function runDoctor(ctx: CommandContext): Promise<DoctorCheck[]> {
  const [binary, home, { checks: state, state: tracked }] = await Promise.all([
    binaryChecks(ctx),
    homeChecks(ctx),
    stateChecks(ctx),
  ]);
  const ports = await portChecks(ctx, tracked);
  const host = hostCheck(ctx);
  return [...binary, ...home, ...state, ...ports, ...(host ? [host] : [])];
}

export function formatCheck(check: DoctorCheck): string[] {
  return [
    `${SYMBOL[check.status]} ${check.summary}`,
    ...(check.fix && check.status !== 'ok' ? [`    fix: ${check.fix}`] : []),
  ];
}
