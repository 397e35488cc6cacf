// The link proxy, bundled to dist/src/link-proxy.cjs and run by the CLI as `node link-proxy.cjs <dir>`:
// one loopback listener per ordered pair of nodes, so network faults between engine nodes can be
// injected on open connections without root, on every OS. It reads plan.json, binds every link, says
// ready.json (or failed.json and exit 3), then applies each new faults.json to every connection and
// says applied.json. It stops on SIGTERM/SIGINT, or when the CLI removes the control directory.
// It logs one line per event to stdout and never a byte of what it carries: a cluster secret
// travels in a clear header. Only src/links is imported, so the bundle stays small.
import {
  CONTROL_FILES,
  jsonErrorText,
  parseFaults,
  readControlText,
  writeJsonAtomic,
  type AppliedDocument,
  type ReadyDocument,
} from './control-files.js';
import { watchControlDir } from './control-watch.js';
import { describeFaults, NO_FAULTS, type FaultTable } from './faults.js';
import { LinkForwarder, type LinkStats } from './link-forwarder.js';
import { planNodeCount, planProblem, type LinkPlan } from './link-plan.js';

const STATS_DEBOUNCE_MS = 200;
/** Byte counts alone (peers talk all the time) refresh applied.json at most this often. */
const BYTES_REFRESH_MS = 1000;
const EXIT_GRACE_MS = 1000;

function log(line: string): void {
  process.stdout.write(`${new Date().toISOString()} ${line.replace(/[\r\n]+/g, ' ')}\n`);
}

function codeOf(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
}

/** One line naming the port, the OS's code and the fix. */
export function bindFailureMessage(link: string, port: number, code: string): string {
  const cause =
    code === 'EADDRINUSE'
      ? 'is in use by another program'
      : code === 'EACCES'
        ? 'may not be bound by this user'
        : 'cannot be bound';
  return `link ${link}: port ${port} on 127.0.0.1 ${cause} (${code}): free it or start with other ports`;
}

/** Logs `message`, says failed.json, and ends the program with `exitCode`. */
function fail(dir: string, message: string, port: number | null, exitCode: number): never {
  log(message);
  writeJsonAtomic(dir, CONTROL_FILES.failed, { message, port });
  process.exit(exitCode);
}

/** plan.json, checked; the program ends (exit 2) when it is missing or not a plan. */
function readPlan(dir: string): LinkPlan {
  const planText = readControlText(dir, CONTROL_FILES.plan);
  if (planText === null)
    fail(dir, `plan.json is missing in ${dir}: the CLI writes it before it starts the proxy; start again`, null, 2);
  let planValue: unknown;
  try {
    planValue = JSON.parse(planText);
  } catch (error) {
    fail(dir, `plan.json in ${dir} is ${jsonErrorText(error)}: the CLI writes it; start again`, null, 2);
  }
  const problem = planProblem(planValue);
  if (problem) fail(dir, `plan.json in ${dir}: ${problem}`, null, 2);
  return planValue as LinkPlan;
}

/** faults.json as last read, and the table in force. A bad or unreadable file is logged once and ignored. */
class FaultsFile {
  table: FaultTable = NO_FAULTS;
  private lastText: string | null | undefined;
  private lastReadError: string | null = null;

  constructor(
    private readonly dir: string,
    readonly nodes: number,
  ) {}

  /** Reads faults.json; true when a new table was taken. */
  reload(): boolean {
    let text: string | null;
    try {
      text = readControlText(this.dir, CONTROL_FILES.faults);
    } catch (error) {
      if (codeOf(error) !== this.lastReadError)
        log(`reading ${CONTROL_FILES.faults} failed (${codeOf(error)}): keeping generation ${this.table.generation}`);
      this.lastReadError = codeOf(error);
      return false;
    }
    this.lastReadError = null;
    if (text === this.lastText) return false;
    this.lastText = text;
    const read = parseFaults(text, this.nodes);
    if (read.kind === 'bad') {
      log(`${CONTROL_FILES.faults} ignored: ${read.problem}; keeping generation ${this.table.generation}`);
      return false;
    }
    this.table = read.kind === 'missing' ? NO_FAULTS : read.table;
    return true;
  }
}

const bytesOf = (links: readonly LinkStats[]): number => links.reduce((sum, l) => sum + l.bytesUp + l.bytesDown, 0);

/** Every link of the plan, the faults applied to them, and applied.json kept current. */
class LinkProxy {
  private readonly forwarders: LinkForwarder[];
  private stopping = false;
  private statsTimer: NodeJS.Timeout | null = null;
  private bytesWritten = 0;
  private stopWatching: (() => void) | undefined;

  constructor(
    private readonly dir: string,
    plan: LinkPlan,
    private readonly faults: FaultsFile,
  ) {
    this.forwarders = plan.links.map(
      (link) => new LinkForwarder(link, faults.table, { log, onCountChange: () => this.onCountChange() }),
    );
  }

  /** Binds every link, or closes them all and ends the program (exit 3) naming the port that failed. */
  async listen(): Promise<void> {
    const bound = await Promise.allSettled(this.forwarders.map((f) => f.listen()));
    const failedAt = bound.findIndex((result) => result.status === 'rejected');
    if (failedAt >= 0) {
      await Promise.all(this.forwarders.map((f) => f.close()));
      const { name, spec } = this.forwarders[failedAt]!;
      const code = codeOf((bound[failedAt] as PromiseRejectedResult).reason);
      fail(this.dir, bindFailureMessage(name, spec.port, code), spec.port, 3);
    }
    for (const f of this.forwarders)
      log(`link ${f.name} listening on 127.0.0.1:${f.port}, forwarding to 127.0.0.1:${f.spec.targetPort}`);
    const ready: ReadyDocument = {
      pid: process.pid,
      links: this.forwarders.map(({ spec, port }) => ({
        from: spec.from,
        to: spec.to,
        port,
        targetPort: spec.targetPort,
      })),
    };
    writeJsonAtomic(this.dir, CONTROL_FILES.ready, ready);
  }

  /** Follows the control directory: new faults are applied, a removed directory stops the proxy. */
  follow(): void {
    this.stopWatching = watchControlDir(this.dir, {
      onChange: () => {
        if (!this.stopping && this.faults.reload()) this.applyNow();
      },
      onGone: () => this.stop(`control directory ${this.dir} is gone`),
      log,
    });
    const refresh = setInterval(() => {
      if (bytesOf(this.forwarders.map((f) => f.stats())) !== this.bytesWritten && !this.stopping) this.writeApplied();
    }, BYTES_REFRESH_MS);
    refresh.unref();
  }

  applyNow(): void {
    const { table } = this.faults;
    for (const forwarder of this.forwarders) forwarder.apply(table);
    const lines = describeFaults(table, this.faults.nodes);
    log(`faults generation ${table.generation} applied: ${lines.length > 0 ? lines.join('; ') : 'none'}`);
    this.writeApplied();
  }

  stop(why: string): void {
    if (this.stopping) return;
    this.stopping = true;
    log(`stopping: ${why}`);
    this.stopWatching?.();
    if (this.statsTimer !== null) clearTimeout(this.statsTimer);
    setTimeout(() => process.exit(0), EXIT_GRACE_MS).unref();
    void Promise.all(this.forwarders.map((f) => f.close())).then(() => process.exit(0));
  }

  private onCountChange(): void {
    if (this.statsTimer === null && !this.stopping)
      this.statsTimer = setTimeout(() => {
        this.statsTimer = null;
        this.writeApplied();
      }, STATS_DEBOUNCE_MS);
  }

  private writeApplied(): void {
    const doc: AppliedDocument = {
      generation: this.faults.table.generation,
      pid: process.pid,
      links: this.forwarders.map((f) => f.stats()),
    };
    this.bytesWritten = bytesOf(doc.links);
    try {
      writeJsonAtomic(this.dir, CONTROL_FILES.applied, doc);
    } catch (error) {
      log(`writing ${CONTROL_FILES.applied} failed (${codeOf(error)})`);
    }
  }
}

async function run(dir: string): Promise<void> {
  // A signal before every link listens just ends the program; afterwards, the proxy closes everything.
  let stop = (why: string): void => {
    log(`stopping: ${why}`);
    process.exit(0);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  const plan = readPlan(dir);
  const faults = new FaultsFile(dir, planNodeCount(plan));
  faults.reload();
  const proxy = new LinkProxy(dir, plan, faults);
  await proxy.listen();
  proxy.applyNow();
  stop = (why) => proxy.stop(why);
  proxy.follow();
}

const dir = process.argv[2];
if (!dir) {
  process.stderr.write(
    'usage: link-proxy.cjs <control directory>: the CLI runs this program itself (it needs the directory with plan.json)\n',
  );
  process.exit(2);
}
process.on('uncaughtException', (error) => {
  log(`stopping: unexpected error (${codeOf(error)})`);
  process.exit(1);
});
// No top-level await: this file is bundled as CommonJS (scripts/build.mjs).
run(dir).catch((error: unknown) => {
  log(`stopping: ${codeOf(error)}`);
  process.exit(1);
});
