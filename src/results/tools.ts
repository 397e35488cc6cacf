// The --json documents of the tool verbs (logs, clean, set, unset, config, doctor, bundle, update):
// what scripts read, declared here apart from the code that builds them, so a change to either that
// breaks the contract fails to compile where the document is written (`satisfies`).
import type { Versioned } from './common.js';

/** One log line, tagged with the node that wrote it. */
export interface LogLineEntry {
  readonly node: number;
  /** The line as the engine wrote it, with the cluster secret redacted. */
  readonly text: string;
}

/** `logs --json`: the last lines of the chosen nodes' logs, interleaved by time. */
export interface LogsResult extends Versioned {
  /** The node ids whose logs were read. */
  readonly nodes: readonly number[];
  /** Oldest first; at most --lines of them. */
  readonly lines: readonly LogLineEntry[];
}

/** `clean` that deleted nothing: the --workspace question was answered no, or the home does not exist. */
export interface CleanNothingResult extends Versioned {
  readonly ok: true;
  readonly deleted: readonly [];
}

/** `clean` that ran: engine data and logs (and with --workspace, models and workers) deleted. */
export interface CleanDoneResult extends Versioned {
  readonly ok: true;
  /** The folders deleted, as absolute paths; empty when there was nothing to delete. */
  readonly deleted: readonly string[];
  /** The workspace folder (models/ and workers/), deleted or kept. */
  readonly workspace: string;
  /** Whether models/ and workers/ were deleted (--workspace); recreated empty if so. */
  readonly workspaceCleaned: boolean;
}

export type CleanResult = CleanNothingResult | CleanDoneResult;

/** A setting's user-facing name (config.json keys `binary` and `workspaceDir`). */
export type SettingName = 'bin' | 'model-dir';

/** `set bin <path>`: the engine binary saved. */
export interface SetBinResult extends Versioned {
  readonly ok: true;
  readonly setting: 'bin';
  /** The absolute path saved. */
  readonly value: string;
  /** The version the engine printed; null when it printed none. */
  readonly version: string | null;
  /** A cluster is running on the old value; `restart` applies the new one. */
  readonly restartNeeded: boolean;
}

/** `set model-dir <path>`: the workspace saved (models/ and workers/ created there). */
export interface SetModelDirResult extends Versioned {
  readonly ok: true;
  readonly setting: 'model-dir';
  /** The absolute path saved. */
  readonly value: string;
  /** A cluster is running on the old value; `restart` applies the new one. */
  readonly restartNeeded: boolean;
}

export type SetResult = SetBinResult | SetModelDirResult;

/** `unset <key>`: the setting removed, or it was not set. */
export interface UnsetResult extends Versioned {
  readonly ok: true;
  readonly setting: SettingName;
  /** False when the setting was not set (nothing written). */
  readonly changed: boolean;
}

/** Where an engine binary was found, in the order `start` looks. */
export type BinarySourceName = 'flag' | 'config' | 'env' | 'platform-package' | 'repo-release' | 'repo-debug';

/** The engine binary `start` would run now, or why there is none (then path, source and version are null). */
export interface ConfigBinaryEntry {
  readonly path: string | null;
  readonly source: BinarySourceName | null;
  /** The source in words, e.g. "NANOBPMN_BINARY". */
  readonly sourceLabel: string | null;
  readonly version: string | null;
  /** Why no binary is usable, or why its version could not be read. */
  readonly error: string | null;
}

/** One platform's engine in the bundled manifest. */
export interface BundledPlatformEntry {
  readonly package: string;
  readonly file: string;
  readonly sha256: string;
  readonly size: number;
}

/** The engine this plugin release bundles (binary-manifest.json). */
export interface BundledEngineEntry {
  /** "0.0.0-dev" in a local checkout. */
  readonly version: string;
  readonly commit: string | null;
  readonly date: string | null;
  /** The npm version the platform packages were built as. */
  readonly packageVersion?: string;
  /** Keyed by platform id, e.g. "linux-x64". */
  readonly platforms: Readonly<Record<string, BundledPlatformEntry>>;
}

/** `config --json`: the home's files, the settings, and what `start` would run with. */
export interface ConfigResult extends Versioned {
  readonly home: string;
  readonly configFile: string;
  readonly stateFile: string;
  readonly dataDir: string;
  readonly logsDir: string;
  /** `configured`: set with `set model-dir` (else the default). */
  readonly workspace: { readonly path: string; readonly configured: boolean };
  readonly binary: ConfigBinaryEntry;
  /** Null when the install carries no manifest. */
  readonly bundled: BundledEngineEntry | null;
  /** The saved settings, null when not set. */
  readonly settings: { readonly bin: string | null; readonly 'model-dir': string | null };
  readonly clusterRunning: boolean;
  readonly replication: {
    /** The tier a new Raft cluster gets: NANOBPMN_REPLICATION as exported (unchecked), else the default. */
    readonly default: string;
    /** Why: the variable's name, or the default's reason. */
    readonly from: string;
    /** The tier of the running (else last) cluster, when it ran Raft; else null. */
    readonly cluster: 'leader-durable' | 'quorum' | null;
  };
  /** The running (else last) cluster's storage; null when none was ever started in this home. */
  readonly cluster: {
    readonly running: boolean;
    readonly storage: 'disk' | 'memory';
    /** At most this many completed instances kept per node; null for no cap. */
    readonly historyMax: number | null;
  } | null;
}

/** Each check `doctor` runs. */
export type DoctorCheckId =
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

/** One doctor check: an id may repeat (one `ports` check per port, one `permissions` per unsafe path). */
export interface DoctorCheckEntry {
  readonly id: DoctorCheckId;
  readonly status: 'ok' | 'warn' | 'fail';
  /** One line, what was found. */
  readonly summary: string;
  /** The command or step that fixes a warning or failure; absent for most passed checks. */
  readonly fix?: string;
}

/** `doctor --json`: every preflight check; exit 1 when any failed. */
export interface DoctorResult extends Versioned {
  /** No check failed (warnings allowed). */
  readonly ok: boolean;
  readonly failed: number;
  readonly warnings: number;
  readonly checks: readonly DoctorCheckEntry[];
}

/** `bundle --json`: the diagnostics archive written, or not (the overwrite question answered no). */
export interface BundleResult extends Versioned {
  readonly ok: true;
  /** The archive's absolute path; null when nothing was written. */
  readonly file: string | null;
  /** The archive's size; 0 when nothing was written. */
  readonly bytes: number;
  /** What could not be collected (an unreadable file, a node that did not answer); also in the archive. */
  readonly notes: readonly string[];
}

/** What the registry's newest release would change. */
export interface UpdateAssessmentFields {
  /** The installed plugin version. */
  readonly current: string;
  /** The release `npm install` would get (the `latest` dist-tag). */
  readonly latest: string;
  readonly updateAvailable: boolean;
  /** Engine versions, installed and in the latest release, when known. */
  readonly engine: { readonly current: string | null; readonly latest: string | null };
  /** This host's platform package pins, installed and in the latest release; null when neither names one. */
  readonly platformPackage: {
    readonly name: string;
    readonly current: string | null;
    readonly latest: string | null;
  } | null;
  readonly releaseNotes: string | null;
}

/** What the registry answered, and where its address came from. */
export interface UpdateCheckedFields extends Versioned, UpdateAssessmentFields {
  readonly registry: string;
  /** "C8CTL_NANO_REGISTRY", "npm_config_registry", an .npmrc path, or "default". */
  readonly registrySource: string;
}

/** How the update is done: through c8ctl, or the npm command matching how the plugin was installed. */
export interface UpdateRoute {
  readonly via: 'c8ctl' | 'global' | 'project' | 'npx' | 'checkout' | 'unknown';
  /** The command, as one line. */
  readonly command: string;
}

/** `update`: the installed release is the newest. */
export interface UpdateNoneResult extends UpdateCheckedFields {
  readonly ok: true;
  readonly action: 'none';
}

/** `update` with a newer release: `none` for --check, `printed` when the command was only shown. */
export interface UpdateAvailableResult extends UpdateCheckedFields {
  readonly ok: true;
  readonly update: UpdateRoute;
  readonly action: 'none' | 'printed';
}

/** `update` that ran the update command, successfully. */
export interface UpdateRanResult extends UpdateCheckedFields {
  readonly ok: true;
  readonly update: UpdateRoute;
  readonly action: 'ran';
  readonly exitCode: 0;
}

/** `update` whose update command failed. */
export interface UpdateRunFailedResult extends UpdateCheckedFields {
  readonly ok: false;
  readonly update: UpdateRoute;
  readonly action: 'ran';
  readonly exitCode: number;
  readonly error: { readonly code: 'update-failed'; readonly message: string };
}

/** `update` that could not ask the registry, or found the plugin unpublished there. */
export interface UpdateRegistryFailedResult extends Versioned {
  readonly ok: false;
  readonly registry: string;
  readonly error: { readonly code: 'not-published' | 'registry-unreachable'; readonly message: string };
}

export type UpdateResult =
  | UpdateNoneResult
  | UpdateAvailableResult
  | UpdateRanResult
  | UpdateRunFailedResult
  | UpdateRegistryFailedResult;
