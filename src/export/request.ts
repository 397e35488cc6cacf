// Turns parsed `export` arguments into a checked request. The cluster's shape goes through the very
// validation `start` uses, so the same mistake gets the same message; what only an export has (the
// target, names, the image) is checked here, before anything is rendered or written.
import { invalidArgument } from '../errors.js';
import { validateStart, type RawStartArgs } from '../cluster/start-options.js';
import type { ClusterShape } from '../shape.js';

export const EXPORT_TARGETS = ['kubernetes', 'compose', 'dockerfile'] as const;
export type ExportTarget = (typeof EXPORT_TARGETS)[number];

export const DEFAULT_NAME = 'nano';
export const DEFAULT_NAMESPACE = 'default';
/** Room left for what we append to the name: `-peers`, `-<ordinal>`, `-cluster-secret`, the PVC prefix. */
export const MAX_NAME_LENGTH = 40;

export interface ExportRequest {
  readonly target: ExportTarget;
  readonly shape: ClusterShape;
  readonly name: string;
  readonly namespace: string;
  /** The engine image the manifests run; undefined: the one `export dockerfile` builds. */
  readonly image: string | undefined;
  readonly out: string | undefined;
}

export interface RawExportArgs
  extends Pick<
    RawStartArgs,
    | 'count'
    | 'port'
    | 'partitions'
    | 'rf'
    | 'raft'
    | 'capture'
    | 'replication'
    | 'console'
    | 'inMemory'
    | 'historyMax'
    | 'env'
  > {
  readonly target: string | undefined;
  readonly image?: string | undefined;
  readonly name?: string | undefined;
  readonly namespace?: string | undefined;
  readonly out?: string | undefined;
  /** The flags given, to refuse the ones that mean nothing for the target. */
  readonly given: readonly string[];
}

/** Flags that describe a cluster: meaningless for a Dockerfile. */
const SHAPE_FLAGS = [
  'port',
  'partitions',
  'rf',
  'raft',
  'replication',
  'capture',
  'console',
  'in-memory',
  'history-max',
  'image',
  'name',
  'namespace',
];

export function validateExport(raw: RawExportArgs, prog: string): ExportRequest {
  const target = exportTarget(raw.target, prog);
  const only = (flag: string, targets: string, why: string): void => {
    if (raw.given.includes(flag))
      throw invalidArgument(`--${flag} does not apply to "export ${target}": ${why}. It is for ${targets}.`);
  };
  if (target === 'dockerfile') {
    if (raw.count !== undefined)
      throw invalidArgument(
        `"export dockerfile" takes no node count: one image serves every node. Example: ${prog} export dockerfile --out Dockerfile`,
      );
    for (const flag of SHAPE_FLAGS)
      only(flag, 'export kubernetes and export compose', 'the image is the same for every cluster');
  }
  if (target === 'kubernetes')
    only(
      'port',
      'export compose (the host ports it publishes)',
      'every pod listens on 8080 and is reached through its Services',
    );
  if (target === 'compose')
    only('namespace', 'export kubernetes', 'Compose has no namespaces (--name names the project)');

  const shape = validateStart({ ...raw, force: false, binary: undefined, timeout: undefined });
  return {
    target,
    shape: {
      nodes: shape.nodes,
      basePort: shape.basePort,
      partitions: shape.partitions,
      rf: shape.rf,
      raft: shape.raft,
      capture: shape.capture,
      replication: shape.replication,
      storage: shape.storage,
      historyMax: shape.historyMax,
      console: shape.console,
    },
    name: checkName(raw.name),
    namespace: checkNamespace(raw.namespace),
    image: raw.image === undefined ? undefined : checkImage(raw.image),
    out: raw.out,
  };
}

function exportTarget(text: string | undefined, prog: string): ExportTarget {
  const list = EXPORT_TARGETS.join(', ');
  if (text === undefined)
    throw invalidArgument(`Say what to export: ${list}. Example: ${prog} export kubernetes 3 --rf 3 --out nano.yaml`);
  if (!(EXPORT_TARGETS as readonly string[]).includes(text)) {
    const guess = EXPORT_TARGETS.find((t) => t.startsWith(text.toLowerCase().slice(0, 3)));
    throw invalidArgument(
      `"${text}" is not something export can write${guess ? ` (did you mean ${guess}?)` : ''}: choose ${list}. Example: ${prog} export compose 3`,
    );
  }
  return text as ExportTarget;
}

/** A DNS label that starts with a letter (Service names need that), short enough for our suffixes. */
function checkName(text: string | undefined): string {
  if (text === undefined) return DEFAULT_NAME;
  if (!/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(text) || text.length > MAX_NAME_LENGTH) {
    throw invalidArgument(
      `--name "${text}" must be 1 to ${MAX_NAME_LENGTH} lowercase letters, digits and "-", starting with a letter and not ending with "-": it names Kubernetes objects, pods and Compose services. Example: --name orders`,
    );
  }
  return text;
}

function checkNamespace(text: string | undefined): string {
  if (text === undefined) return DEFAULT_NAMESPACE;
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(text) || text.length > 63) {
    throw invalidArgument(
      `--namespace "${text}" is not a Kubernetes namespace name: 1 to 63 lowercase letters, digits and "-", not starting or ending with "-". Example: --namespace camunda`,
    );
  }
  return text;
}

/** An image reference as Docker and Kubernetes take it: [registry/]repository[:tag][@digest]. */
function checkImage(text: string): string {
  const reference =
    /^(?:[a-z0-9.-]+(?::[0-9]+)?\/)?[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;
  if (!reference.test(text)) {
    throw invalidArgument(
      `--image "${text}" is not an image reference ([registry/]name[:tag], lowercase name). Example: --image registry.example.com/team/nanobpmn:1.67.0`,
    );
  }
  return text;
}
