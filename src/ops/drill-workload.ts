// The drill's workload: deploy its process, create instances at a steady rate round-robin through
// every node, and (with a task) activate and complete their jobs like a worker would, recording every
// request and how it ended. Every request has its own deadline and they run concurrently, so a node
// that hangs costs its own requests their deadline and holds back nobody else's.
import { UserError } from '../errors.js';
import { DRILL_JOB_TYPE, drillBpmn, drillProcessId } from '../drill/process.js';
import type { RequestOp, RequestRecord } from '../drill/record.js';
import type { DrillAnswer, DrillCall, DrillRequest } from './drill-http.js';

export interface WorkloadDeps {
  readonly call: DrillCall;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

export interface WorkloadOptions {
  readonly urls: readonly string[];
  readonly ratePerSecond: number;
  readonly deadlineMs: number;
  readonly withTask: boolean;
  readonly runId: string;
  /** the drill's t0 on deps.now(): record times are now() - t0 */
  readonly t0: number;
  /** The jobs' lease; DEFAULT_JOB_TIMEOUT_MS unless given. */
  readonly jobTimeoutMs?: number;
}

export interface Workload {
  /** Every request so far (a live array the lead reads while it runs), each added when it ended. */
  readonly requests: readonly RequestRecord[];
  readonly jobsCompleted: () => number;
  /** This run's instances whose job this workload completed (live). */
  readonly completedKeys: ReadonlySet<string>;
  /** Stops creating; workers go on. */
  stopCreating(): void;
  /**
   * Workers go on until every acknowledged instance's job is completed, or timeoutMs passes (creating
   * stops first, and creates still in flight are waited for: their keys count).
   */
  drain(timeoutMs: number): Promise<void>;
  /** Stops everything and waits for requests in flight to end (each has its deadline). */
  stop(): Promise<void>;
}

/**
 * How long an activation waits on the engine for jobs (its long poll, `requestTimeout`): short, so a
 * worker loop comes round often and a node's activation failures show on the timeline as they happen.
 * An activation with no job answers after it (about 210 ms measured on 0.0.22).
 */
export const ACTIVATION_POLL_MS = 200;
/**
 * A job's lease (`timeout`): when an activation's answer is lost (its client gave up on a frozen node
 * that then woke and activated anyway), its jobs come back to a worker after this. Measured: with 30 s,
 * a 4 s pause left about 30 jobs locked past a 10 s drain; a short lease lets the drain finish them.
 * Completion follows activation within milliseconds, so a lease this short does not expire under it.
 */
export const DEFAULT_JOB_TIMEOUT_MS = 5_000;
const MAX_JOBS = 32;
/** After a failed activation: a node that refuses at once must not spin its worker loop. */
const WORKER_BACKOFF_MS = 100;
const DRAIN_POLL_MS = 50;

/** Deploys the drill's process through node 0 (urls[0]); throws UserError naming the node and the engine's answer if it fails. */
export async function deployDrillProcess(
  deps: WorkloadDeps,
  urls: readonly string[],
  withTask: boolean,
  deadlineMs: number,
): Promise<void> {
  const processId = drillProcessId(withTask);
  const url = urls[0]!;
  const answer = await deps.call({
    method: 'POST',
    url: `${url}/v2/deployments`,
    form: {
      field: 'resources',
      filename: `${processId}.bpmn`,
      contentType: 'application/xml',
      content: drillBpmn(withTask),
    },
    deadlineMs,
  });
  // The answer names each resource: `deployments[].processDefinition.processDefinitionId`.
  const deployed =
    answer.outcome.kind === 'ok' &&
    arrayOf(field(answer.body, 'deployments')).some(
      (d) => field(field(d, 'processDefinition'), 'processDefinitionId') === processId,
    );
  if (deployed) return;
  const why =
    answer.outcome.kind === 'timeout'
      ? `no answer within ${deadlineMs} ms`
      : answer.outcome.kind === 'error'
        ? answer.outcome.status === null
          ? answer.outcome.message
          : `HTTP ${answer.outcome.status} ${answer.outcome.message}`
        : `the answer does not name process ${processId}`;
  throw new UserError(`Could not deploy the drill's process ${processId} through node 0 (${url}): ${why}.`, {
    code: 'error',
  });
}

export function startWorkload(deps: WorkloadDeps, options: WorkloadOptions): Workload {
  const state = new WorkloadState(deps, options);
  const creator = state.runCreator();
  const workers = options.withTask ? options.urls.map((_, node) => state.runWorker(node)) : [];
  return {
    requests: state.requests,
    jobsCompleted: () => state.completed.size,
    completedKeys: state.completed,
    stopCreating: () => {
      state.creating = false;
    },
    drain: (timeoutMs) => state.drain(timeoutMs),
    stop: async () => {
      state.creating = false;
      state.working = false;
      await Promise.all([creator, ...workers]);
      await Promise.all(state.inFlight);
    },
  };
}

class WorkloadState {
  readonly requests: RequestRecord[] = [];
  /** This run's instance keys whose job it completed. */
  readonly completed = new Set<string>();
  readonly acknowledged = new Set<string>();
  readonly inFlight = new Set<Promise<void>>();
  creating = true;
  working = true;
  private readonly processId: string;

  constructor(
    private readonly deps: WorkloadDeps,
    private readonly options: WorkloadOptions,
  ) {
    this.processId = drillProcessId(options.withTask);
  }

  /**
   * Sends create n at start + n / rate. A sleep that overshoots a little makes the next one a little
   * early, so the rate holds; a send more than one interval late (the event loop was busy) moves the
   * schedule on from it instead of sending the missed creates in a burst.
   */
  async runCreator(): Promise<void> {
    const intervalMs = 1000 / this.options.ratePerSecond;
    let start = this.deps.now();
    for (let n = 0; this.creating; n += 1) {
      const wait = start + n * intervalMs - this.deps.now();
      if (wait > 0) await this.deps.sleep(wait);
      if (!this.creating) break;
      const sentAt = this.deps.now();
      if (sentAt > start + (n + 1) * intervalMs) start = sentAt - n * intervalMs;
      this.track(this.create(n));
    }
  }

  private async create(seq: number): Promise<void> {
    const node = seq % this.options.urls.length;
    const body = { processDefinitionId: this.processId, variables: { drillRun: this.options.runId, drillSeq: seq } };
    // Acknowledged: 200 with `processInstanceKey` (a string, e.g. "2251799813685249").
    const answer = await this.send('create', node, '/v2/process-instances', body, this.options.deadlineMs, (a) => ({
      seq,
      ...keyOf(a, 'processInstanceKey'),
    }));
    const { key } = keyOf(answer, 'processInstanceKey');
    if (key !== undefined) this.acknowledged.add(key);
  }

  /** One worker per node: it activates through its node and completes what it got through the same node. */
  async runWorker(node: number): Promise<void> {
    const activation = {
      type: DRILL_JOB_TYPE,
      timeout: this.options.jobTimeoutMs ?? DEFAULT_JOB_TIMEOUT_MS,
      maxJobsToActivate: MAX_JOBS,
      worker: 'c8ctl-nano-drill',
      requestTimeout: ACTIVATION_POLL_MS,
    };
    while (this.working) {
      const answer = await this.send(
        'activate',
        node,
        '/v2/jobs/activation',
        activation,
        this.options.deadlineMs + ACTIVATION_POLL_MS,
        () => ({}),
      );
      if (answer.outcome.kind !== 'ok') {
        if (this.working) await this.deps.sleep(WORKER_BACKOFF_MS);
        continue;
      }
      // `jobs[]` holds `jobKey` and `processInstanceKey` (strings), from every partition.
      await Promise.all(arrayOf(field(answer.body, 'jobs')).map((job) => this.complete(node, job)));
    }
  }

  private async complete(node: number, job: unknown): Promise<void> {
    const jobKey = field(job, 'jobKey');
    const instanceKey = field(job, 'processInstanceKey');
    if (jobKey === undefined) return;
    const key = instanceKey === undefined ? {} : { key: String(instanceKey) };
    const path = `/v2/jobs/${encodeURIComponent(String(jobKey))}/completion`;
    // Answered 204 with no body when done.
    const answer = await this.send('complete', node, path, { variables: {} }, this.options.deadlineMs, () => key);
    // Jobs of earlier drills (left locked when their drain gave up) are completed too, as clean-up,
    // but only this run's count: the job carries the instance's variables, `drillRun` among them.
    const ours = field(field(job, 'variables'), 'drillRun') === this.options.runId;
    if (answer.outcome.kind === 'ok' && key.key !== undefined && ours) this.completed.add(key.key);
  }

  private async send(
    op: RequestOp,
    node: number,
    path: string,
    json: unknown,
    deadlineMs: number,
    extra: (answer: DrillAnswer) => Pick<RequestRecord, 'seq' | 'key'>,
  ): Promise<DrillAnswer> {
    const request: DrillRequest = { method: 'POST', url: `${this.options.urls[node]}${path}`, json, deadlineMs };
    const sentMs = this.deps.now() - this.options.t0;
    // The client never throws; a stand-in that does is recorded as a failed request, not a dead loop.
    const answer = await this.deps.call(request).catch(
      (error: unknown): DrillAnswer => ({
        outcome: { kind: 'error', status: null, message: error instanceof Error ? error.message : String(error) },
        body: null,
      }),
    );
    const doneMs = this.deps.now() - this.options.t0;
    this.requests.push({ op, node, sentMs, doneMs, outcome: answer.outcome, ...extra(answer) });
    return answer;
  }

  track(promise: Promise<void>): void {
    this.inFlight.add(promise);
    void promise.finally(() => this.inFlight.delete(promise));
  }

  async drain(timeoutMs: number): Promise<void> {
    this.creating = false;
    const until = this.deps.now() + timeoutMs;
    while (this.deps.now() < until) {
      const jobsDone = !this.options.withTask || [...this.acknowledged].every((k) => this.completed.has(k));
      if (this.inFlight.size === 0 && jobsDone) return;
      await this.deps.sleep(Math.min(DRAIN_POLL_MS, Math.max(1, until - this.deps.now())));
    }
  }
}

function keyOf(answer: DrillAnswer, name: string): { key?: string } {
  const key = field(answer.body, name);
  return answer.outcome.kind === 'ok' && key !== undefined && key !== null ? { key: String(key) } : {};
}

export function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

export function arrayOf(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}
