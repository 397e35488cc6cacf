// What export writes and reads back: the --out checks (a folder, a missing parent, a file we did not
// write), an earlier export's secret and shape, and the header every written file carries.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { CLUSTER_SECRET } from '../cluster/plan.js';
import { invalidArgument } from '../errors.js';
import { shellPath } from './shell-path.js';
import type { ExportRequest } from './request.js';
import { randomHex } from '../os/random-hex.js';
import { PACKAGE_NAME } from '../package-name.js';

/** Named in everything export writes, so a later export knows the file is its own to replace. */
export const GENERATOR = PACKAGE_NAME;

export interface Destination {
  readonly out: string | undefined;
  /** What the --out file holds now, if it exists. */
  readonly previous: string | undefined;
  readonly image: string;
  /** --force: replace files that an export did not write. */
  readonly force: boolean;
  readonly json: boolean;
}

/**
 * --out must name a file in an existing folder; a folder, or a missing parent, is a mistake to say
 * plainly. An existing file is replaced only if an export wrote it (every output names us), or with
 * --force: a typo such as --out README.md must not cost the user a file.
 */
export function checkOutFile(file: string, force: boolean): string | undefined {
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
export function keptSecretFile(file: string, force: boolean): boolean {
  const text = checkOutFile(file, true) ?? '';
  if (new RegExp(`^${CLUSTER_SECRET}=[A-Za-z0-9+/=_-]{16,}$`, 'm').test(text)) return true;
  if (force) return false;
  throw invalidArgument(
    `${file} exists but holds no ${CLUSTER_SECRET}, so the services reading it would run without a cluster secret; it was left as it is. Move it aside, or replace it with a fresh secret with --force.`,
  );
}

/** The file's name says its format: JSON for `.json`, YAML otherwise (whatever --json asks of stdout). */
export function writesJson(file: string): boolean {
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
export function refuseShapeChange(file: string, previous: string, request: ExportRequest): void {
  const kept = exportedShape(previous);
  const asked = request.shape;
  if (kept === null || (kept.nodes === asked.nodes && kept.partitions === asked.partitions)) return;
  throw invalidArgument(
    `--out ${file} holds a cluster of ${kept.nodes} node(s) and ${kept.partitions} partition(s); this export has ${asked.nodes} and ${asked.partitions}. A cluster deployed from it keeps its data on its volumes, and that data only serves the count it was written with. Export to another file (a new cluster), keep the count, or replace it with --force after deleting the old volumes.`,
  );
}

/** The cluster secret of an earlier export (YAML or JSON text), if it holds one. */
export function secretIn(text: string): string | undefined {
  // Only the Secret's stringData has the variable as a key; env entries name it as a value.
  return new RegExp(`"?${CLUSTER_SECRET}"?: "?([A-Za-z0-9+/=_-]{16,})"?`).exec(text)?.[1];
}

export function freshSecret(): string {
  return randomHex(32);
}

/** The shape as export flags, for the header of a written file (no secret, no paths). */
export function exportCommandLine(request: ExportRequest): string {
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
