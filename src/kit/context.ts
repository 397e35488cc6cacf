// What a command runs with: output, environment, the home layout, and every side effect as a
// replaceable function (real ones by default), so the logic can be exercised without module mocks.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Output } from '../output.js';
import type { BindResult } from '../os/bind-test.js';
import { findEngines, findProcesses, type EnvPredicate, type FoundEngine } from '../os/find-engines.js';
import type { GetResult } from '../os/http-get.js';
import type { HttpProbe } from '../os/http-probe.js';
import { findPortHolder, type PortHolderLookup } from '../os/port-holder.js';
import { monotonicMs } from '../os/poll.js';
import { whenPipeReaderGone } from '../os/pipe-reader.js';
import { readProcess, type ProcessReader } from '../os/process-info.js';
import type { InheritRun } from '../os/run-inherit.js';
import type { SpawnRequest, SpawnedProcess } from '../os/spawn-node.js';
import { realSignals, type Signals } from '../os/stop-process.js';
import type { Layout } from '../state/layout.js';
import type { NoticeRequest } from '../update/notifier.js';

export interface Effects {
  readonly readProcess: ProcessReader;
  readonly signals: Signals;
  readonly probe: HttpProbe;
  readonly tryBind: (port: number) => Promise<BindResult>;
  /** The program listening on a busy port (pid and command line), when the OS shows it. */
  readonly findPortHolder: PortHolderLookup;
  readonly spawnNode: (request: SpawnRequest) => Promise<SpawnedProcess>;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
  /** Engine processes of a home found by evidence (see os/find-engines.ts), tracked or not. */
  readonly findEngines: (home: string, dataDir: string) => Promise<FoundEngine[]>;
  /** Live processes of a home whose environment matches (descendants of a server we started, say). */
  readonly findProcesses: (home: string, matches: EnvPredicate) => Promise<FoundEngine[]>;
  /** Asks a yes/no question on the terminal; false unless the answer is yes. */
  readonly confirm: (question: string) => Promise<boolean>;
  /** One GET over http(s) with a deadline (the registry query of `update`). */
  readonly httpGet: (
    url: string,
    options: { timeoutMs: number; headers?: Record<string, string> },
  ) => Promise<GetResult>;
  /** Runs a command on the user's terminal (after saying which) and resolves with its exit code. */
  readonly runInherit: (run: InheritRun) => Promise<number>;
  /** The daily update notice (update/notifier.ts): reads a small cache file, maybe spawns a detached check. */
  readonly updateNotice: (request: NoticeRequest) => Promise<void>;
}

export interface CommandContext {
  readonly out: Output;
  /** How the user invokes us, for hints: `c8ctl nano` or `c8ctl-nano`. */
  readonly prog: string;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly layout: Layout;
  readonly platform: NodeJS.Platform;
  /** Whether a person can answer a question (stdin and stdout are terminals). */
  readonly interactive: boolean;
  readonly effects: Effects;
  /** Fires on Ctrl-C while a command wants to clean up rather than die. */
  readonly interrupt: AbortSignal;
  /** c8ctl's global --yes: confirmations are already answered. */
  readonly assumeYes: boolean;
  /** The c8ctl version when running inside c8ctl; undefined standalone. */
  readonly hostVersion?: string | undefined;
  /** How to run the host c8ctl again ([node, c8ctl entry]); set only inside c8ctl. */
  readonly hostCommand?: readonly string[] | undefined;
}

/**
 * What ends a command that follows until stopped (`logs -f`, `status --watch`): Ctrl-C, or its reader
 * going away (`logs -f | grep -m1 ready` would otherwise follow on, unseen, forever).
 */
export function untilStopped(
  ctx: Pick<CommandContext, 'interrupt' | 'out'>,
  readerGone: AbortSignal | undefined = ctx.out.mode === 'text' ? whenPipeReaderGone(1) : undefined,
): AbortSignal {
  // A gone reader shows at the next write; one with nothing more to write is watched for (pipe-reader.ts).
  const signals = [ctx.interrupt, ctx.out.gone, readerGone].filter((s): s is AbortSignal => s !== undefined);
  return signals.length === 1 ? ctx.interrupt : AbortSignal.any(signals);
}

async function askYesNo(question: string): Promise<boolean> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

export function realEffects(): Effects & { dispose(): Promise<void> } {
  // The probe, the port test (node:net) and the spawner load on first use: `stop` never makes an HTTP
  // request and `status` never spawns, and every command pays for what it imports, in every c8ctl call too.
  let probe: Promise<HttpProbe> | undefined;
  const loadProbe = (): Promise<HttpProbe> =>
    (probe ??= import('../os/http-probe.js').then((m) => m.createHttpProbe()));
  return {
    readProcess,
    signals: realSignals,
    probe: {
      getJson: async (url, timeoutMs) => (await loadProbe()).getJson(url, timeoutMs),
      close: async () => undefined,
    },
    tryBind: async (port) => (await import('../os/bind-test.js')).tryBind(port),
    findPortHolder,
    spawnNode: async (request) => (await import('../os/spawn-node.js')).spawnNode(request),
    sleep: (ms) => sleep(ms),
    now: monotonicMs,
    confirm: askYesNo,
    findEngines: (home, dataDir) => findEngines(home, dataDir, readProcess),
    findProcesses: (home, matches) => findProcesses(home, matches, readProcess),
    httpGet: async (url, options) => (await import('../os/http-get.js')).httpGet(url, options),
    runInherit: async (run) => (await import('../os/run-inherit.js')).runInherit(run),
    updateNotice: async (request) => (await import('../update/notifier.js')).updateNotice(request),
    dispose: async () => {
      if (probe) await (await probe).close();
    },
  };
}
