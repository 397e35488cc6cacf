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

async function run(dir: string): Promise<void> {
  // A signal before every link listens just ends the program; afterwards, stop() closes everything.
  let stop = (why: string): void => {
    log(`stopping: ${why}`);
    process.exit(0);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  const fail = (message: string, port: number | null, exitCode: number): never => {
    log(message);
    writeJsonAtomic(dir, CONTROL_FILES.failed, { message, port });
    process.exit(exitCode);
  };
  const planText = readControlText(dir, CONTROL_FILES.plan);
  if (planText === null)
    return fail(`plan.json is missing in ${dir}: the CLI writes it before it starts the proxy; start again`, null, 2);
  let planValue: unknown;
  try {
    planValue = JSON.parse(planText);
  } catch (error) {
    return fail(`plan.json in ${dir} is ${jsonErrorText(error)}: the CLI writes it; start again`, null, 2);
  }
  const problem = planProblem(planValue);
  if (problem) return fail(`plan.json in ${dir}: ${problem}`, null, 2);
  const plan = planValue as LinkPlan;
  const n = planNodeCount(plan);

  let table: FaultTable = NO_FAULTS;
  let lastText: string | null | undefined;
  let lastReadError: string | null = null;
  let stopping = false;
  let statsTimer: NodeJS.Timeout | null = null;
  let bytesWritten = 0;
  const bytesOf = (links: readonly LinkStats[]): number => links.reduce((sum, l) => sum + l.bytesUp + l.bytesDown, 0);
  const bytesNow = (): number => bytesOf(forwarders.map((f) => f.stats()));
  const writeApplied = (): void => {
    const doc: AppliedDocument = {
      generation: table.generation,
      pid: process.pid,
      links: forwarders.map((f) => f.stats()),
    };
    bytesWritten = bytesOf(doc.links);
    try {
      writeJsonAtomic(dir, CONTROL_FILES.applied, doc);
    } catch (error) {
      log(`writing ${CONTROL_FILES.applied} failed (${codeOf(error)})`);
    }
  };
  const onCountChange = (): void => {
    if (statsTimer === null && !stopping)
      statsTimer = setTimeout(() => {
        statsTimer = null;
        writeApplied();
      }, STATS_DEBOUNCE_MS);
  };
  /** Reads faults.json; true when a new table was taken. A bad file is logged once and ignored. */
  const reload = (): boolean => {
    let text: string | null;
    try {
      text = readControlText(dir, CONTROL_FILES.faults);
    } catch (error) {
      if (codeOf(error) !== lastReadError)
        log(`reading ${CONTROL_FILES.faults} failed (${codeOf(error)}): keeping generation ${table.generation}`);
      lastReadError = codeOf(error);
      return false;
    }
    lastReadError = null;
    if (text === lastText) return false;
    lastText = text;
    const read = parseFaults(text, n);
    if (read.kind === 'bad') {
      log(`${CONTROL_FILES.faults} ignored: ${read.problem}; keeping generation ${table.generation}`);
      return false;
    }
    table = read.kind === 'missing' ? NO_FAULTS : read.table;
    return true;
  };
  const applyNow = (): void => {
    for (const forwarder of forwarders) forwarder.apply(table);
    const lines = describeFaults(table, n);
    log(`faults generation ${table.generation} applied: ${lines.length > 0 ? lines.join('; ') : 'none'}`);
    writeApplied();
  };

  reload();
  const forwarders = plan.links.map((link) => new LinkForwarder(link, table, { log, onCountChange }));
  const bound = await Promise.allSettled(forwarders.map((f) => f.listen()));
  const failedAt = bound.findIndex((result) => result.status === 'rejected');
  if (failedAt >= 0) {
    await Promise.all(forwarders.map((f) => f.close()));
    const forwarder = forwarders[failedAt]!;
    fail(
      bindFailureMessage(
        forwarder.name,
        forwarder.spec.port,
        codeOf((bound[failedAt] as PromiseRejectedResult).reason),
      ),
      forwarder.spec.port,
      3,
    );
  }
  for (const f of forwarders)
    log(`link ${f.name} listening on 127.0.0.1:${f.port}, forwarding to 127.0.0.1:${f.spec.targetPort}`);
  const ready: ReadyDocument = {
    pid: process.pid,
    links: forwarders.map(({ spec, port }) => ({ from: spec.from, to: spec.to, port, targetPort: spec.targetPort })),
  };
  writeJsonAtomic(dir, CONTROL_FILES.ready, ready);
  applyNow();

  stop = (why: string): void => {
    if (stopping) return;
    stopping = true;
    log(`stopping: ${why}`);
    stopWatching();
    if (statsTimer !== null) clearTimeout(statsTimer);
    setTimeout(() => process.exit(0), EXIT_GRACE_MS).unref();
    void Promise.all(forwarders.map((f) => f.close())).then(() => process.exit(0));
  };
  const stopWatching = watchControlDir(dir, {
    onChange: () => {
      if (!stopping && reload()) applyNow();
    },
    onGone: () => stop(`control directory ${dir} is gone`),
    log,
  });
  const refresh = setInterval(() => bytesNow() !== bytesWritten && !stopping && writeApplied(), BYTES_REFRESH_MS);
  refresh.unref();
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
