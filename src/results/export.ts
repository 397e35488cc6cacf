// The --json documents of `export kubernetes|compose|dockerfile`, declared apart from the code that
// builds them. Two of them are not ours: printed without --out, kubernetes and compose print the
// orchestrator's own document, to pipe into kubectl or compose.
import type { Versioned } from './common.js';

/** Where the image's engine comes from: copied beside the Dockerfile, or fetched from npm by the build. */
export type ExportEngineKind = 'local' | 'npm';

/** `export dockerfile --json` without --out: the Dockerfile as text, nothing written. */
export interface ExportDockerfilePrintedResult extends Versioned {
  readonly ok: true;
  readonly target: 'dockerfile';
  readonly engine: ExportEngineKind;
  /** The image name the build should be tagged with, e.g. "nanobpmn:0.0.22". */
  readonly image: string;
  readonly dockerfile: string;
}

/** `export dockerfile --out <file>`: the Dockerfile written, with the engine beside it for `local`. */
export interface ExportDockerfileWrittenResult extends Versioned {
  readonly ok: true;
  readonly target: 'dockerfile';
  readonly engine: ExportEngineKind;
  /** The image name the build should be tagged with. */
  readonly image: string;
  /** Absolute paths: the engine copy (for `local`), then the Dockerfile. */
  readonly written: readonly string[];
}

/** Whether the cluster secret already in the file (or env file) was kept, or a fresh one written. */
export type ExportSecret = 'kept' | 'fresh';

/** `export compose --out <file>`: the Compose file and its secret env file. */
export interface ExportComposeResult extends Versioned {
  readonly ok: true;
  readonly target: 'compose';
  /** Absolute paths: the secret env file (unless kept), then the Compose file. */
  readonly written: readonly string[];
  /** The service names, one per node, e.g. "nano-0". */
  readonly services: readonly string[];
  readonly secret: ExportSecret;
  readonly image: string;
}

/** `export kubernetes --out <file>`: the objects written, the Secret among them. */
export interface ExportKubernetesResult extends Versioned {
  readonly ok: true;
  readonly target: 'kubernetes';
  /** The file written, absolute. */
  readonly written: readonly string[];
  /** Each object as "<Kind> <name>", e.g. "StatefulSet nano". */
  readonly objects: readonly string[];
  readonly secret: ExportSecret;
  readonly image: string;
}

export type ExportResult =
  | ExportDockerfilePrintedResult
  | ExportDockerfileWrittenResult
  | ExportComposeResult
  | ExportKubernetesResult;

/**
 * `export kubernetes --json` without --out: a Kubernetes List of the objects (no Secret), for
 * `kubectl apply -f -`. A foreign format, versioned by its own apiVersion: no schemaVersion, which
 * kubectl's strict field validation would reject.
 */
export interface KubernetesListDocument {
  readonly apiVersion: 'v1';
  readonly kind: 'List';
  readonly items: readonly Readonly<Record<string, unknown>>[];
}

/**
 * `export compose --json` without --out: the Compose file as JSON, for `docker compose -f -`. A foreign
 * format, versioned by the Compose specification: no schemaVersion, which Compose would reject as an
 * unknown top-level field.
 */
export type ComposeDocument = Readonly<Record<string, unknown>>;
