// `nano export kubernetes|compose|dockerfile`: the cluster `start` would run, written for an
// orchestrator. Rendering is pure (src/export/); this file picks the secret, writes files and says
// what to do next. Nothing is written unless --out names a file; a failed write leaves nothing behind.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { PLATFORMS } from '../../platforms.js';
import { stringFlag, type ParsedArgs } from '../kit/args.js';
import { CLUSTER_SECRET } from '../cluster/plan.js';
import { invalidArgument, UserError } from '../errors.js';
import { composeDocument, secretEnvFile, serviceName } from '../export/compose.js';
import { defaultImage } from '../export/dockerfile.js';
import { shellPath } from '../export/shell-path.js';
import { exportDockerfile, type EngineImageFacts } from './export-dockerfile.js';
import { kubernetesNames, kubernetesObjects, type KubernetesNames } from '../export/kubernetes.js';
import { validateExport, type ExportRequest } from '../export/request.js';
import { toYaml, toYamlStream } from '../export/yaml.js';
import { randomHex } from '../os/random-hex.js';
import { readPackageJson } from '../package-files.js';
import { writeFileAtomic } from '../state/files.js';
import { pluginVersion } from '../version.js';
import type { CommandContext } from '../kit/context.js';
import { shapeFlags } from '../kit/shape-flags.js';

/** Named in everything export writes, so a later export knows the file is its own to replace. */
const GENERATOR = 'c8ctl-plugin-nano';

export async function exportCommand(ctx: CommandContext, args: ParsedArgs): Promise<number> {
  const given = Object.keys(args.flags);
  const request = validateExport(
    {
      ...shapeFlags(args),
      target: args.positionals[0],
      count: args.positionals[1],
      image: stringFlag(args, 'image'),
      name: stringFlag(args, 'name'),
      namespace: stringFlag(args, 'namespace'),
      out: stringFlag(args, 'out'),
      env: ctx.env,
      given,
    },
    ctx.prog,
  );
  const out = request.out === undefined ? undefined : path.resolve(ctx.cwd, request.out);
  const previous = out === undefined ? undefined : checkOutFile(out, args.flags.force === true);
  if (out !== undefined && previous !== undefined && args.flags.force !== true && request.target !== 'dockerfile')
    refuseShapeChange(out, previous, request);
  const facts = engineImageFacts();
  const generator = `${GENERATOR} ${pluginVersion()}`;
  const image = request.image ?? defaultImage(facts.version);
  const json = ctx.out.mode === 'json';

  const allInterfaces = args.flags['all-interfaces'] === true;
  if (allInterfaces && request.target !== 'compose')
    throw invalidArgument(
      `--all-interfaces goes with export compose (it publishes the nodes' ports), not with ${request.target}.`,
    );
  const engineFlag = stringFlag(args, 'engine');
  if (engineFlag !== undefined && request.target !== 'dockerfile')
    throw invalidArgument(
      `--engine goes with export dockerfile (it says where the image's engine comes from), not with ${request.target}.`,
    );
  if (request.target === 'dockerfile')
    return exportDockerfile(ctx, {
      out,
      previousOurs: previous?.includes(GENERATOR) === true,
      facts,
      generator,
      engineFlag,
      force: args.flags.force === true,
    });
  if (request.target === 'kubernetes')
    return exportKubernetes(ctx, request, { out, previous, image, json, force: args.flags.force === true });
  return exportCompose(ctx, request, { out, previous, image, json, force: args.flags.force === true }, allInterfaces);
}

interface Destination {
  readonly out: string | undefined;
  /** What the --out file holds now, if it exists. */
  readonly previous: string | undefined;
  readonly image: string;
  /** --force: replace files that an export did not write. */
  readonly force: boolean;
  readonly json: boolean;
}

async function exportKubernetes(ctx: CommandContext, request: ExportRequest, d: Destination): Promise<number> {
  const names = kubernetesNames(request.name);
  // A re-export keeps the secret already in the file: a new one would split a running cluster, whose
  // pods restart one by one with whichever secret the Secret holds then.
  const kept = d.previous !== undefined ? secretIn(d.previous) : undefined;
  const secret = d.out === undefined ? null : (kept ?? freshSecret());
  const objects = kubernetesObjects({ request, image: d.image, userEnv: ctx.env, secret });
  const kinds = objects.map((o) => `${String(o.kind)} ${String((o.metadata as { name: string }).name)}`);
  const createSecret = `kubectl -n ${request.namespace} create secret generic ${names.secret} --from-literal=${CLUSTER_SECRET}="$(openssl rand -hex 32)"`;

  if (d.out === undefined) {
    if (d.json) ctx.out.result({ apiVersion: 'v1', kind: 'List', items: objects });
    else ctx.out.info(toYamlStream(objects).trimEnd());
    ctx.out.warn(
      `No Secret was printed (the cluster secret is only ever written to a file given with --out). Create it before applying: ${createSecret}`,
    );
    return 0;
  }
  const text = writesJson(d.out)
    ? `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }, null, 2)}\n`
    : `# Written by ${GENERATOR}: ${exportCommandLine(request)}\n${readinessComment(request)}${toYamlStream(objects)}`;
  // The file holds the cluster secret: readable by its owner only.
  await writeFileAtomic(d.out, text, 0o600);
  ctx.out.success(`Wrote ${objects.length} Kubernetes objects to ${d.out}: ${kinds.join(', ')}.`);
  ctx.out.info(
    kept !== undefined
      ? `  Kept the cluster secret already in ${d.out}.`
      : `  A fresh cluster secret is in Secret ${names.secret} (the file is readable by you only).`,
  );
  nextStepsKubernetes(ctx, request, names, { ...d, out: d.out });
  ctx.out.result({
    ok: true,
    target: 'kubernetes',
    written: [d.out],
    objects: kinds,
    secret: kept !== undefined ? 'kept' : 'fresh',
    image: d.image,
  });
  return 0;
}

function nextStepsKubernetes(
  ctx: CommandContext,
  request: ExportRequest,
  names: KubernetesNames,
  d: Destination & { out: string },
): void {
  ctx.out.info(
    `  Image: ${d.image}${request.image === undefined ? ' (build and push it: export dockerfile, then export again with --image <registry>/…)' : ''}`,
  );
  ctx.out.info(`Apply it:  kubectl apply -f ${shellPath(d.out)}`);
  ctx.out.info(`Watch it:  kubectl -n ${request.namespace} rollout status statefulset/${names.statefulSet}`);
  ctx.out.info(
    `Reach it:  kubectl -n ${request.namespace} port-forward service/${names.client} 8080:8080   (then http://localhost:8080/v2)`,
  );
}

async function exportCompose(
  ctx: CommandContext,
  request: ExportRequest,
  d: Destination,
  allInterfaces: boolean,
): Promise<number> {
  const document = composeDocument({ request, image: d.image, userEnv: ctx.env, allInterfaces });
  const envName = secretEnvFile(request.name);
  const makeSecret = `printf '${CLUSTER_SECRET}=%s\\n' "$(openssl rand -hex 32)" > ${envName} && chmod 600 ${envName}`;
  if (d.out === undefined) {
    if (d.json) ctx.out.result(document);
    else ctx.out.info(toYaml(document).trimEnd());
    ctx.out.warn(
      `The services read the cluster secret from ./${envName}, which was not written (only --out writes it). Create it next to the Compose file: ${makeSecret}`,
    );
    return 0;
  }
  const envFile = path.join(path.dirname(d.out), envName);
  const keptEnv = existsSync(envFile) && keptSecretFile(envFile, d.force);
  const text = writesJson(d.out)
    ? `${JSON.stringify(document, null, 2)}\n`
    : `# Written by ${GENERATOR}: ${exportCommandLine(request)}\n${toYaml(document)}`;
  // The secret first, so a failed Compose write can take back exactly what this run created.
  if (!keptEnv) await writeFileAtomic(envFile, `${CLUSTER_SECRET}=${freshSecret()}\n`, 0o600);
  try {
    await writeFileAtomic(d.out, text, 0o644);
  } catch (error) {
    if (!keptEnv) await rm(envFile, { force: true });
    throw error;
  }
  const services = Array.from({ length: request.shape.nodes }, (_, id) => serviceName(request.name, id));
  const host = allInterfaces ? 'every interface' : '127.0.0.1';
  ctx.out.success(
    `Wrote ${services.length} Compose service(s) to ${d.out}: ${services.join(', ')}, on host ports ${request.shape.basePort}-${request.shape.basePort + services.length - 1} (${host}).`,
  );
  ctx.out.info(
    keptEnv
      ? `  Kept the cluster secret in ${envFile}.`
      : `  A fresh cluster secret is in ${envFile} (readable by you only).`,
  );
  ctx.out.info(`  Image: ${d.image}${request.image === undefined ? ' (build it first: export dockerfile)' : ''}`);
  // -p: the project name the user expects, whatever the folder is called; v1, v2 and podman-compose all take it.
  const project = `-p ${request.name} -f ${shellPath(d.out)}`;
  ctx.out.info(
    `Run it:    docker compose ${project} up -d   (Compose v2; v1: docker-compose ${project} up -d; or podman-compose ${project} up -d)`,
  );
  ctx.out.info(`Remove it: docker compose ${project} down -v   (-v deletes the nodes' volumes: their data)`);
  ctx.out.result({
    ok: true,
    target: 'compose',
    written: keptEnv ? [d.out] : [envFile, d.out],
    services,
    secret: keptEnv ? 'kept' : 'fresh',
    image: d.image,
  });
  return 0;
}

/**
 * --out must name a file in an existing folder; a folder, or a missing parent, is a mistake to say
 * plainly. An existing file is replaced only if an export wrote it (every output names us), or with
 * --force: a typo such as --out README.md must not cost the user a file.
 */
function checkOutFile(file: string, force: boolean): string | undefined {
  const stats = statSync(file, { throwIfNoEntry: false });
  if (stats?.isDirectory())
    throw invalidArgument(`--out ${file} is a folder; give a file path, such as ${path.join(file, 'nano.yaml')}.`);
  if (stats && !stats.isFile()) throw invalidArgument(`--out ${file} is not a regular file; give a file path.`);
  const previous = stats ? readFileSync(file, 'utf8') : undefined;
  if (previous !== undefined && !force && previous.length > 0 && !previous.includes(GENERATOR)) {
    throw invalidArgument(
      `--out ${file} already exists and was not written by export; it was left as it is. Choose another file, or replace it with --force.`,
    );
  }
  const parent = statSync(path.dirname(file), { throwIfNoEntry: false });
  if (!parent)
    throw invalidArgument(
      `--out ${file}: the folder ${path.dirname(file)} does not exist. Create it (mkdir -p ${shellPath(path.dirname(file))}) or write elsewhere.`,
    );
  return previous;
}

/**
 * Whether the secret env file beside the Compose file is one to keep: it must hold a cluster secret.
 * Any other file there would leave the peers unauthenticated, so it is refused (it stays as it was),
 * or replaced with --force.
 */
function keptSecretFile(file: string, force: boolean): boolean {
  const text = checkOutFile(file, true) ?? '';
  if (new RegExp(`^${CLUSTER_SECRET}=[A-Za-z0-9+/=_-]{16,}$`, 'm').test(text)) return true;
  if (force) return false;
  throw invalidArgument(
    `${file} exists but holds no ${CLUSTER_SECRET}, so the services reading it would run without a cluster secret; it was left as it is. Move it aside, or replace it with a fresh secret with --force.`,
  );
}

/** The file's name says its format: JSON for `.json`, YAML otherwise (whatever --json asks of stdout). */
function writesJson(file: string): boolean {
  return file.toLowerCase().endsWith('.json');
}

/** The node and partition count an earlier export wrote into `text`, if it says. */
export function exportedShape(text: string): { nodes: number; partitions: number } | null {
  const header = /export (?:kubernetes|compose) (\d+) --partitions (\d+)/.exec(text);
  if (header) return { nodes: Number(header[1]), partitions: Number(header[2]) };
  // A JSON file has no header: its peer list and partition count say the same.
  const peers = /"NANOBPMN_NODES"(?:\s*:\s*|,\s*"value"\s*:\s*)"([^"]+)"/.exec(text);
  const partitions = /"NANOBPMN_PARTITIONS"(?:\s*:\s*|,\s*"value"\s*:\s*)"(\d+)"/.exec(text);
  return peers && partitions ? { nodes: peers[1]!.split(',').length, partitions: Number(partitions[1]) } : null;
}

/**
 * A cluster deployed from this file keeps its data on its volumes, and that data fixes the node and
 * partition count as kept local data does: another count over it is refused unless --force.
 */
function refuseShapeChange(file: string, previous: string, request: ExportRequest): void {
  const kept = exportedShape(previous);
  const asked = request.shape;
  if (kept === null || (kept.nodes === asked.nodes && kept.partitions === asked.partitions)) return;
  throw invalidArgument(
    `--out ${file} holds a cluster of ${kept.nodes} node(s) and ${kept.partitions} partition(s); this export has ${asked.nodes} and ${asked.partitions}. A cluster deployed from it keeps its data on its volumes, and that data only serves the count it was written with. Export to another file (a new cluster), keep the count, or replace it with --force after deleting the old volumes.`,
  );
}

/** The cluster secret of an earlier export (YAML or JSON text), if it holds one. */
function secretIn(text: string): string | undefined {
  // Only the Secret's stringData has the variable as a key; env entries name it as a value.
  return new RegExp(`"?${CLUSTER_SECRET}"?: "?([A-Za-z0-9+/=_-]{16,})"?`).exec(text)?.[1];
}

function freshSecret(): string {
  return randomHex(32);
}

function engineImageFacts(): EngineImageFacts {
  const linux = (cpu: string) => PLATFORMS.find((p) => p.os === 'linux' && p.cpu === cpu)!;
  const amd64 = linux('x64');
  const arm64 = linux('arm64');
  const version = readPackageJson<{ optionalDependencies?: Record<string, string> }>('package.json')
    ?.optionalDependencies?.[amd64.packageName];
  if (version === undefined) {
    throw new UserError(
      `This install of c8ctl-plugin-nano names no version of ${amd64.packageName} (package.json optionalDependencies), so there is no engine to package. Reinstall the plugin.`,
    );
  }
  return { packages: { amd64: amd64.packageName, arm64: arm64.packageName }, version, binaryName: amd64.binaryName };
}

/** What the readiness probe means, in the file (the engine has no ready endpoint to point at). */
function readinessComment(request: ExportRequest): string {
  const leaders = request.shape.rf > 1 && request.shape.console !== 'off';
  return leaders
    ? '# Ready = the pod answers and sees every partition led, none recovering (/console/api/topology, read by bash: the engine has no ready endpoint).\n'
    : '# Ready = the pod answers /v2/topology (with RF 1 or no console nothing tells leaders without taking every pod out of the Service).\n';
}

/** The shape as export flags, for the header of a written file (no secret, no paths). */
function exportCommandLine(request: ExportRequest): string {
  const s = request.shape;
  const flags = [
    `export ${request.target} ${s.nodes}`,
    `--partitions ${s.partitions}`,
    `--rf ${s.rf}`,
    ...(s.raft && s.rf === 1 ? ['--raft'] : []),
    ...(s.rf > 1 || s.raft ? [`--replication ${s.replication}`] : []),
    ...(s.capture ? ['--capture'] : []),
    ...(s.storage === 'memory' ? ['--in-memory'] : []),
    ...(s.historyMax !== null ? [`--history-max ${s.historyMax}`] : []),
    `--console ${s.console}`,
    `--name ${request.name}`,
    ...(request.target === 'kubernetes' ? [`--namespace ${request.namespace}`] : [`--port ${s.basePort}`]),
    ...(request.image !== undefined ? [`--image ${request.image}`] : []),
  ];
  return flags.join(' ');
}
