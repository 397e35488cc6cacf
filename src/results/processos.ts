// The --json documents of `c8ctl processos <subcommand>`: what scripts read from start, stop, restart,
// status, logs, set and config. Declared here, apart from the code that writes them, so the contract
// is one readable file and changes to it are deliberate (see common.ts for the versioning rule).
import type { Versioned } from './common.js';

/** Where the ProcessOS binary was found: --binary, "set bin", PROCESSOS_BINARY, a download URL, a repo build. */
export type ProcessosBinarySource = 'flag' | 'config' | 'env' | 'download' | 'repo-release' | 'repo-debug';

/** The binary a server runs, as recorded at its start. */
export interface ProcessosBinary {
  readonly path: string;
  readonly source: ProcessosBinarySource;
  /** The ProcessOS version; only for a downloaded binary. */
  readonly version?: string;
  /** The release manifest it was downloaded from; only for a downloaded binary. */
  readonly downloadUrl?: string;
  /** Whether that start downloaded it (else the installed copy was used); only for a downloaded binary. */
  readonly fetched?: boolean;
}

/** `start`: the server answers /health. */
export interface ProcessosStartResult extends Versioned {
  readonly ok: true;
  readonly running: true;
  /** Milliseconds from spawn to the first healthy answer. */
  readonly readyMs: number;
  readonly pid: number;
  /** The server's base URL, `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** The landing page, `<url>/`. */
  readonly landing: string;
  readonly cockpit: string;
  readonly health: string;
  /** The target engine ProcessOS talks to. */
  readonly nanoUrl: string;
  /** Whether ProcessOS runs its own pilot engine. */
  readonly spawnNano: boolean;
  readonly dataDir: string;
  readonly log: string;
  readonly binary: ProcessosBinary;
}

/** `restart`: the same document as start, for the server started anew. */
export type ProcessosRestartResult = ProcessosStartResult;

/** `stop` with no server tracked. */
export interface ProcessosStopNothingResult extends Versioned {
  readonly ok: true;
  readonly stopped: false;
}

/** `stop` of the tracked server; its state is cleared whatever the outcome. */
export interface ProcessosStopDoneResult extends Versioned {
  readonly ok: true;
  readonly stopped: true;
  readonly pid: number;
  /** graceful: exited after SIGTERM; forced: needed SIGKILL; not-running, stale (pid reused): left alone. */
  readonly outcome: 'graceful' | 'forced' | 'not-running' | 'stale';
  /** Milliseconds the stop took. */
  readonly ms: number;
  /** Processes the server had started and left behind (a reparented pilot engine), stopped too. */
  readonly leftoversStopped: number;
}

export type ProcessosStopResult = ProcessosStopNothingResult | ProcessosStopDoneResult;

/** `status` with no server tracked: whether something else answers /health on the configured port. */
export interface ProcessosStatusUntrackedResult extends Versioned {
  readonly managed: false;
  readonly running: boolean;
  readonly port: number;
  /** 0 when something answers, 3 (stopped) otherwise; also the command's exit code. */
  readonly exitCode: 0 | 3;
}

/** `status` of the tracked server. */
export interface ProcessosStatusTrackedResult extends Versioned {
  readonly managed: true;
  /** running: the process runs and /health answers; stopped: the process is gone; degraded otherwise. */
  readonly state: 'running' | 'degraded' | 'stopped';
  readonly pid: number;
  /** stale: the pid now belongs to another process; frozen: stopped by a signal (SIGSTOP). */
  readonly process: 'running' | 'frozen' | 'exited' | 'stale';
  /** How /health answered; not-probed when the process does not run. error: an answer of 300 or above. */
  readonly http: 'answers' | 'timeout' | 'refused' | 'error' | 'not-probed';
  readonly url: string;
  readonly nanoUrl: string;
  readonly spawnNano: boolean;
  readonly binary: ProcessosBinary;
  /** Follows `state`: 0 running, 2 degraded, 3 stopped; also the command's exit code. */
  readonly exitCode: number;
}

export type ProcessosStatusResult = ProcessosStatusUntrackedResult | ProcessosStatusTrackedResult;

/** `logs` (without --follow, which JSON mode refuses): the last lines of the server's log. */
export interface ProcessosLogsResult extends Versioned {
  readonly log: string;
  readonly lines: readonly string[];
}

/** The "processos" settings of config.json as shown: passthrough values that look like secrets masked. */
export interface ProcessosShownSettings {
  readonly binary?: string;
  readonly port?: number;
  readonly nanoUrl?: string;
  readonly dataDir?: string;
  readonly downloadUrl?: string;
  /** Passthrough variables (`set env`); values of names with KEY, TOKEN, SECRET, PASSWORD, CREDENTIAL read ‹set›. */
  readonly env: Readonly<Record<string, string>>;
  /** A key this version does not know, as it stands in a hand-edited config.json: shown, not used. */
  readonly [unknownKey: string]: unknown;
}

/** `set <key> <value>`: the setting saved, and all settings after it. */
export interface ProcessosSetResult extends Versioned {
  readonly ok: true;
  readonly setting: 'bin' | 'port' | 'nano-url' | 'data-dir' | 'download-url' | 'env';
  readonly processos: ProcessosShownSettings;
}

/** Which setting chose the download URL. */
export type ProcessosDownloadFrom = 'set download-url' | 'PROCESSOS_DOWNLOAD_URL';

/** config's download URL in use: the installed copy and what the manifest publishes now. */
export interface ProcessosDownloadReport {
  readonly manifestUrl: string;
  readonly from: ProcessosDownloadFrom;
  /** The verified copy in the home, or null. */
  readonly installed: {
    readonly version: string;
    readonly path: string;
    readonly binaryUrl: string;
    /** ISO 8601 time of the download. */
    readonly fetchedAt: string;
  } | null;
  /** The version the manifest publishes, or null when it could not be asked (then `cause` says why). */
  readonly published: string | null;
  readonly cause: string | null;
  /** Whether the next start downloads. */
  readonly fetchAtNextStart: boolean;
}

/** config's download URL when a binary path is given: the path wins, the URL is not used. */
export interface ProcessosDownloadUnused {
  readonly manifestUrl: string;
  readonly from: ProcessosDownloadFrom;
  readonly used: false;
}

/** `config`: what a plain `start` would use now; null where it cannot be worked out (a warning says why). */
export interface ProcessosConfigResult extends Versioned {
  /** The binary a start would run; path null and error in words when there is none (source stays
   * download when a download URL is used and nothing is installed yet). */
  readonly binary: {
    readonly path: string | null;
    readonly source: ProcessosBinarySource | null;
    readonly error: string | null;
  };
  /** null when no download URL is set. */
  readonly download: ProcessosDownloadReport | ProcessosDownloadUnused | null;
  readonly port: number | null;
  readonly nanoUrl: string | null;
  readonly dataDir: string | null;
  readonly spawnNano: boolean | null;
  /** The engine binary a pilot would run; null when none is found. */
  readonly nanoBinary: string | null;
  readonly settings: ProcessosShownSettings;
  readonly stateFile: string;
  readonly log: string;
  readonly configFile: string;
}
