// The checks after the heal: is every acknowledged instance readable by key through every node (and
// its job done), which of the drill's instances does the cluster hold at all (to resolve the creates
// whose client gave up), and which nodes lack the drill's process definition. What these requests
// answer was measured on engine 0.0.22 (3 nodes, RF 3); each rule below says what it relies on.
import type { CheckFindings } from '../drill/record.js';
import { drillProcessId } from '../drill/process.js';
import type { DrillAnswer } from './drill-http.js';
import { arrayOf, field, type WorkloadDeps } from './drill-workload.js';

export interface CheckInput {
  readonly urls: readonly string[];
  readonly ackedKeys: readonly string[];
  readonly withTask: boolean;
  readonly deadlineMs: number;
  readonly runId: string;
}

export interface AfterHealFindings extends CheckFindings {
  /**
   * This run's instances the cluster holds, each with the `drillSeq` it carries (null when its
   * variable could not be read). A key holding another seq than the create it acknowledged means the
   * acknowledged instance is gone and its key was handed out again (measured on 0.0.22: instances
   * created while a killed owner's partition was led elsewhere vanished at the hand-back, and the owner
   * reissued their keys), which a read by key alone cannot tell.
   */
  readonly instances: ReadonlyArray<{ readonly key: string; readonly seq: number | null }>;
  /**
   * Nodes that did not answer a search (after retries): the instances only they hold are missing
   * from `foundKeys`, and they are counted in `deploymentsMissingOn` (not known to hold it).
   */
  readonly unanswered: readonly number[];
}

/** Reads by key at once, over all nodes: enough to be quick, few enough not to be a load test. */
const READ_CONCURRENCY = 16;
/** A read or search that failed without a verdict (timeout, reset, 5xx) is asked again this often. */
const ATTEMPTS = 3;
const RETRY_PAUSE_MS = 200;
/** Instances per search page; the engine's default is 100 and it takes 1000 (and more). */
const PAGE_LIMIT = 1000;
/** A bound on pages per node, so a search whose cursor never ends cannot loop for ever. */
const MAX_PAGES = 1000;

/** After the heal: every acknowledged key read through every node, every instance of this run each node knows, and which nodes lack the process definition. */
export async function checkAfterHeal(deps: WorkloadDeps, input: CheckInput): Promise<AfterHealFindings> {
  const processId = drillProcessId(input.withTask);
  const nodes = input.urls.map((_, node) => node);
  const reads = await mapBounded(
    input.ackedKeys.flatMap((key) => nodes.map((node) => ({ key, node }))),
    READ_CONCURRENCY,
    ({ key, node }) => readInstance(deps, input, key, node),
  );
  const searches = await Promise.all(nodes.map((node) => searchInstances(deps, input, processId, node)));
  const definitions = await Promise.all(nodes.map((node) => holdsDefinition(deps, input, processId, node)));
  const foundKeys = [...new Set(searches.flatMap((s) => s ?? []))].sort(compareKeys);
  const seqs = await Promise.all(nodes.map((node) => seqsOf(deps, input, node, searches[node] ?? [])));
  const seqByKey = new Map(seqs.flat());
  return {
    reads,
    foundKeys,
    instances: foundKeys.map((key) => ({ key, seq: seqByKey.get(key) ?? null })),
    deploymentsMissingOn: nodes.filter((node) => definitions[node] !== true),
    unanswered: nodes.filter((node) => searches[node] === null || definitions[node] === null),
  };
}

/**
 * `GET /v2/process-instances/<key>` works through any node (it is routed to the partition's owner):
 * 200 with `state` "ACTIVE" or "COMPLETED" (an instance without a task is "COMPLETED" at once; with
 * a task, once its job is completed); 404 with title "Process instance not found" when the owner
 * does not have it. While a partition is displaced (quorum), reads of its instances answer 404 too.
 */
async function readInstance(
  deps: WorkloadDeps,
  input: CheckInput,
  key: string,
  node: number,
): Promise<CheckFindings['reads'][number]> {
  const url = `${input.urls[node]}/v2/process-instances/${encodeURIComponent(key)}`;
  const answer = await withRetries(deps, () => deps.call({ method: 'GET', url, deadlineMs: input.deadlineMs }));
  if (answer.outcome.kind !== 'ok') return { key, node, found: false, completed: null };
  return { key, node, found: true, completed: field(answer.body, 'state') === 'COMPLETED' };
}

/**
 * The keys of this run's instances one node holds, or null when it did not answer. Search is
 * node-local: a node answers for the partitions it owns (its static ownership: a node leading
 * another's partition after a failover does not list that partition's instances), so only the union
 * over every node is the whole. The filter on the `drillRun` variable (its value as JSON text) keeps
 * other drills' instances out. Pages: `page.limit`, then `page.after` = the last `page.endCursor`
 * until a page comes back short; items hold `processInstanceKey` (a string).
 */
async function searchInstances(
  deps: WorkloadDeps,
  input: CheckInput,
  processId: string,
  node: number,
): Promise<string[] | null> {
  const keys: string[] = [];
  let after: unknown;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const json = {
      filter: { processDefinitionId: processId, variables: [{ name: 'drillRun', value: JSON.stringify(input.runId) }] },
      page: after === undefined ? { limit: PAGE_LIMIT } : { limit: PAGE_LIMIT, after },
    };
    const url = `${input.urls[node]}/v2/process-instances/search`;
    const answer = await withRetries(deps, () =>
      deps.call({ method: 'POST', url, json, deadlineMs: input.deadlineMs }),
    );
    if (answer.outcome.kind !== 'ok') return null;
    const items = arrayOf(field(answer.body, 'items'));
    for (const item of items) {
      const key = field(item, 'processInstanceKey');
      if (typeof key === 'string' || typeof key === 'number') keys.push(String(key));
    }
    after = field(field(answer.body, 'page'), 'endCursor');
    if (items.length < PAGE_LIMIT || typeof after !== 'string') break;
  }
  return keys;
}

/**
 * The `drillSeq` of the given instances, as the node that listed them holds it:
 * `POST /v2/variables/search` is node-local like the instance search; its filter takes
 * `processInstanceKey: { $in: [...] }` and `name`; items hold `processInstanceKey` and `value` (JSON text).
 */
async function seqsOf(
  deps: WorkloadDeps,
  input: CheckInput,
  node: number,
  keys: readonly string[],
): Promise<Array<[string, number]>> {
  const found: Array<[string, number]> = [];
  const url = `${input.urls[node]}/v2/variables/search`;
  for (let from = 0; from < keys.length; from += PAGE_LIMIT) {
    const json = {
      filter: { name: 'drillSeq', processInstanceKey: { $in: keys.slice(from, from + PAGE_LIMIT) } },
      page: { limit: PAGE_LIMIT },
    };
    const answer = await withRetries(deps, () =>
      deps.call({ method: 'POST', url, json, deadlineMs: input.deadlineMs }),
    );
    for (const item of arrayOf(field(answer.body, 'items'))) {
      const key = field(item, 'processInstanceKey');
      const seq = Number(field(item, 'value'));
      if ((typeof key === 'string' || typeof key === 'number') && Number.isInteger(seq)) found.push([String(key), seq]);
    }
  }
  return found;
}

/**
 * Whether a node holds the drill's definition: its own `POST /v2/process-definitions/search` (each
 * node answers from what it holds; a deployment made while a peer's circuit breaker was open never
 * reaches that peer). null when it did not answer.
 */
export async function holdsDefinition(
  deps: WorkloadDeps,
  input: Pick<CheckInput, 'urls' | 'deadlineMs'>,
  processId: string,
  node: number,
): Promise<boolean | null> {
  const url = `${input.urls[node]}/v2/process-definitions/search`;
  const json = { filter: { processDefinitionId: processId } };
  const answer = await withRetries(deps, () => deps.call({ method: 'POST', url, json, deadlineMs: input.deadlineMs }));
  if (answer.outcome.kind !== 'ok') return null;
  return arrayOf(field(answer.body, 'items')).some((item) => field(item, 'processDefinitionId') === processId);
}

/** The nodes that do not (yet) hold the drill's definition, e.g. to wait after deploying before the workload starts. */
export async function definitionMissingOn(
  deps: WorkloadDeps,
  urls: readonly string[],
  withTask: boolean,
  deadlineMs: number,
): Promise<number[]> {
  const processId = drillProcessId(withTask);
  const held = await Promise.all(urls.map((_, node) => holdsDefinition(deps, { urls, deadlineMs }, processId, node)));
  return urls.flatMap((_, node) => (held[node] === true ? [] : [node]));
}

/** An answer is final when it came and is not a 5xx; anything else is asked again, a few times. */
async function withRetries(deps: WorkloadDeps, ask: () => Promise<DrillAnswer>): Promise<DrillAnswer> {
  let answer = await ask();
  for (let attempt = 1; attempt < ATTEMPTS && !isFinal(answer); attempt += 1) {
    await deps.sleep(RETRY_PAUSE_MS);
    answer = await ask();
  }
  return answer;
}

function isFinal(answer: DrillAnswer): boolean {
  const { outcome } = answer;
  return outcome.kind === 'ok' || (outcome.kind === 'error' && outcome.status !== null && outcome.status < 500);
}

/** fn over every item, at most `limit` at a time, results in the items' order. */
export async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

/** Keys are decimal strings of up to 64 bits: by length, then text, is numeric order. */
function compareKeys(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
