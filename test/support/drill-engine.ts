// A loopback stand-in for the engine's REST API as the drill uses it, one node:http server per node
// over one shared cluster: deploy, create, activate and complete jobs, read by key, and the node-local
// searches (instances and variables of the partitions a node owns, its own definitions). Shaped like
// engine 0.0.22's answers (measured); `misbehave` lets a test make one node slow, reset or fail.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DRILL_JOB_TYPE, DRILL_PROCESS_ID } from '../../src/drill/process.js';

export interface FakeInstance {
  readonly key: string;
  readonly owner: number;
  readonly processId: string;
  readonly variables: Record<string, unknown>;
  state: 'ACTIVE' | 'COMPLETED';
}

export interface FakeJob {
  readonly key: string;
  readonly instanceKey: string;
  readonly type: string;
  lockedUntil: number;
  done: boolean;
}

export interface SeenRequest {
  readonly node: number;
  readonly method: string;
  readonly path: string;
  readonly body: string;
}

/** Return true when it answered (or dropped) the request itself. */
export type Misbehave = (node: number, req: http.IncomingMessage, res: http.ServerResponse, body: string) => boolean;

export class DrillEngine {
  readonly instances = new Map<string, FakeInstance>();
  readonly jobs = new Map<string, FakeJob>();
  readonly definitions: Array<Set<string>>;
  readonly seen: SeenRequest[] = [];
  urls: string[] = [];
  misbehave: Misbehave | undefined;
  /** Nodes a deployment reaches (all by default): one left out is a deployment that never arrived. */
  deployTo: number[] | undefined;
  private counter = 0;
  private readonly servers: http.Server[] = [];

  constructor(readonly nodes: number) {
    this.definitions = Array.from({ length: nodes }, () => new Set<string>());
  }

  async start(): Promise<this> {
    for (let node = 0; node < this.nodes; node += 1) {
      const server = http.createServer((req, res) => this.receive(node, req, res));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      this.servers.push(server);
      this.urls.push(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    }
    return this;
  }

  async close(): Promise<void> {
    for (const server of this.servers) server.closeAllConnections();
    await Promise.all(this.servers.map((s) => new Promise((resolve) => s.close(resolve))));
  }

  /** An instance placed on partition `owner` (owned by that node), as if created earlier. */
  addInstance(
    owner: number,
    processId: string,
    variables: Record<string, unknown>,
    state: FakeInstance['state'],
  ): string {
    this.counter += 1;
    const key = ((BigInt(owner) << 51n) + BigInt(this.counter)).toString();
    this.instances.set(key, { key, owner, processId, variables, state });
    if (state === 'ACTIVE' && processId === DRILL_PROCESS_ID) {
      const jobKey = ((BigInt(owner) << 51n) + BigInt(++this.counter)).toString();
      this.jobs.set(jobKey, { key: jobKey, instanceKey: key, type: DRILL_JOB_TYPE, lockedUntil: 0, done: false });
    }
    return key;
  }

  private receive(node: number, req: http.IncomingMessage, res: http.ServerResponse): void {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0]!;
      this.seen.push({ node, method: req.method ?? '', path, body });
      if (this.misbehave?.(node, req, res, body)) return;
      this.route(node, req.method ?? '', path, body, res);
    });
  }

  private route(node: number, method: string, path: string, body: string, res: http.ServerResponse): void {
    const json = (): any => JSON.parse(body);
    const read = /^\/v2\/process-instances\/(\d+)$/.exec(path);
    const complete = /^\/v2\/jobs\/(\d+)\/completion$/.exec(path);
    if (method === 'POST' && path === '/v2/deployments') return this.deploy(body, res);
    if (method === 'POST' && path === '/v2/process-instances') return this.create(node, json(), res);
    if (method === 'POST' && path === '/v2/jobs/activation') return this.activate(json(), res);
    if (method === 'POST' && complete) return this.complete(complete[1]!, res);
    if (method === 'GET' && read) return this.read(read[1]!, res);
    if (method === 'POST' && path === '/v2/process-instances/search') return this.searchInstances(node, json(), res);
    if (method === 'POST' && path === '/v2/variables/search') return this.searchVariables(node, json(), res);
    if (method === 'POST' && path === '/v2/process-definitions/search') {
      const id = json().filter?.processDefinitionId;
      const items = [...this.definitions[node]!]
        .filter((d) => d === id)
        .map((processDefinitionId) => ({ processDefinitionId }));
      return send(res, 200, { items, page: { totalItems: items.length } });
    }
    send(res, 404, { title: 'Not Found', status: 404, detail: `${method} ${path}` });
  }

  private deploy(body: string, res: http.ServerResponse): void {
    const id = /<bpmn:process id="([^"]+)"/.exec(body)?.[1];
    if (id === undefined) return send(res, 400, { title: 'Bad Request', status: 400, detail: 'no process' });
    for (const node of this.deployTo ?? this.definitions.map((_, n) => n)) this.definitions[node]!.add(id);
    send(res, 200, {
      deploymentKey: '1',
      deployments: [{ processDefinition: { processDefinitionId: id, processDefinitionKey: '2' } }],
    });
  }

  private create(node: number, request: any, res: http.ServerResponse): void {
    const id = request.processDefinitionId;
    if (!this.definitions[node]!.has(id))
      return send(res, 400, {
        title: 'The provided data is not valid',
        status: 400,
        detail: `No deployed process with id '${id}'.`,
      });
    const withTask = id === DRILL_PROCESS_ID;
    const key = this.addInstance(
      this.counter % this.nodes,
      id,
      request.variables ?? {},
      withTask ? 'ACTIVE' : 'COMPLETED',
    );
    send(res, 200, { processDefinitionId: id, processInstanceKey: key, processCompleted: !withTask });
  }

  private activate(request: any, res: http.ServerResponse): void {
    const now = Date.now();
    const free = [...this.jobs.values()].filter((j) => j.type === request.type && !j.done && j.lockedUntil <= now);
    const taken = free.slice(0, request.maxJobsToActivate);
    for (const job of taken) job.lockedUntil = now + request.timeout;
    const jobs = taken.map((job) => ({
      jobKey: job.key,
      processInstanceKey: job.instanceKey,
      type: job.type,
      variables: this.instances.get(job.instanceKey)?.variables ?? {},
    }));
    // Like the engine: an empty activation waits out its long poll (shortened here).
    setTimeout(() => send(res, 200, { jobs }), jobs.length > 0 ? 0 : Math.min(request.requestTimeout, 20));
  }

  private complete(jobKey: string, res: http.ServerResponse): void {
    const job = this.jobs.get(jobKey);
    if (job === undefined || job.done)
      return send(res, 404, { title: 'Job not found', status: 404, detail: `No job with key ${jobKey}.` });
    job.done = true;
    const instance = this.instances.get(job.instanceKey);
    if (instance) instance.state = 'COMPLETED';
    res.writeHead(204).end();
  }

  private read(key: string, res: http.ServerResponse): void {
    const instance = this.instances.get(key);
    if (instance === undefined)
      return send(res, 404, {
        title: 'Process instance not found',
        status: 404,
        detail: `No process instance with key ${key}.`,
      });
    send(res, 200, { processInstanceKey: key, processDefinitionId: instance.processId, state: instance.state });
  }

  /** Node-local, like the engine: the partitions this node owns; `page.after` is the index to go on from. */
  private searchInstances(node: number, request: any, res: http.ServerResponse): void {
    const filter = request.filter ?? {};
    const run = filter.variables?.find((v: any) => v.name === 'drillRun')?.value;
    const all = [...this.instances.values()].filter(
      (i) =>
        i.owner === node &&
        (filter.processDefinitionId === undefined || i.processId === filter.processDefinitionId) &&
        (run === undefined || JSON.stringify(i.variables.drillRun) === run),
    );
    const from = request.page?.after === undefined ? 0 : Number(request.page.after);
    const limit = request.page?.limit ?? 100;
    const items = all.slice(from, from + limit).map((i) => ({ processInstanceKey: i.key, state: i.state }));
    send(res, 200, {
      items,
      page: { totalItems: all.length, endCursor: items.length > 0 ? String(from + items.length) : null },
    });
  }

  private searchVariables(node: number, request: any, res: http.ServerResponse): void {
    const { name, processInstanceKey } = request.filter ?? {};
    const keys: string[] = processInstanceKey?.$in ?? [];
    const items = keys.flatMap((key) => {
      const instance = this.instances.get(key);
      if (instance === undefined || instance.owner !== node || !(name in instance.variables)) return [];
      return [{ name, value: JSON.stringify(instance.variables[name]), processInstanceKey: key }];
    });
    send(res, 200, { items: items.slice(0, request.page?.limit ?? 100), page: { totalItems: items.length } });
  }
}

export function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}
