// Where everything lives under the state home. Pure: computing paths touches nothing.
import path from 'node:path';

export interface Layout {
  readonly home: string;
  readonly configFile: string;
  readonly stateFile: string;
  /** The last cluster's shape, kept after stop for `restart`. */
  readonly lastClusterFile: string;
  readonly lockFile: string;
  /** The engine's remembered `--version` answers (see engine-version-cache.ts). */
  readonly engineVersionCache: string;
  readonly dataDir: string;
  readonly logsDir: string;
  /** Read-model copies made before another engine version opened the data (read-model-backup.ts). */
  readonly backupsDir: string;
  readonly defaultWorkspace: string;
  readonly processos: {
    readonly stateFile: string;
    readonly lockFile: string;
    readonly log: string;
    readonly defaultDataDir: string;
    /** Binaries fetched from a download URL (processos/download-store.ts). */
    readonly binDir: string;
  };
  /** The link proxy's control folder (plan, faults, what it applied) and its log (--network-faults). */
  readonly linkProxy: { readonly controlDir: string; readonly log: string };
  nodeDataDir(id: number): string;
  nodeLog(id: number): string;
}

export function layoutFor(home: string): Layout {
  const dataDir = path.join(home, 'data');
  const logsDir = path.join(home, 'logs');
  return {
    home,
    configFile: path.join(home, 'config.json'),
    stateFile: path.join(home, 'cluster.json'),
    lastClusterFile: path.join(home, 'last-cluster.json'),
    lockFile: path.join(home, '.lock'),
    engineVersionCache: path.join(home, 'engine-version-cache.json'),
    dataDir,
    logsDir,
    backupsDir: path.join(home, 'backups'),
    defaultWorkspace: path.join(home, 'workspace'),
    processos: {
      stateFile: path.join(home, 'processos.json'),
      lockFile: path.join(home, '.lock-processos'),
      log: path.join(logsDir, 'processos.log'),
      defaultDataDir: path.join(home, 'processos-data'),
      binDir: path.join(home, 'processos-bin'),
    },
    linkProxy: { controlDir: path.join(home, 'links'), log: path.join(logsDir, 'link-proxy.log') },
    nodeDataDir: (id) => path.join(dataDir, `node-${id}`),
    nodeLog: (id) => path.join(logsDir, `node-${id}.log`),
  };
}

export interface HomeInputs {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** The platform's per-user data directory for `c8ctl-nano` (env-paths' `data`). */
  readonly platformDataDir: () => string;
}

/** `C8CTL_NANO_HOME` wins (relative paths are taken from the working directory); else the platform default. */
export function resolveHome(inputs: HomeInputs): string {
  const override = inputs.env.C8CTL_NANO_HOME;
  if (override !== undefined && override.trim() !== '') return path.resolve(inputs.cwd, override);
  return inputs.platformDataDir();
}
