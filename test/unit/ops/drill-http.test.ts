// The drill's HTTP client against loopback servers that answer like the engine and misbehave: every
// way a request can end becomes an outcome (never a throw), a deadline destroys the socket, and the
// keep-alive agent reuses one connection until close().
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createDrillHttp, engineMessage } from '../../../src/ops/drill-http.js';
import { send } from '../../support/drill-engine.js';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

const servers: http.Server[] = [];
const clients: Array<{ close(): void }> = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function serve(handler: Handler): Promise<{ url: string; server: http.Server; connections: () => number }> {
  let connections = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => handler(req, res, body));
  });
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, connections: () => connections };
}

function client() {
  const created = createDrillHttp();
  clients.push(created);
  return created;
}

describe('createDrillHttp', () => {
  it('a 2xx is ok with its JSON; the request carries its JSON body', async () => {
    let seen: { method?: string; type?: string; body?: string } = {};
    const { url } = await serve((req, res, body) => {
      seen = { method: req.method, type: req.headers['content-type'], body };
      send(res, 200, { processInstanceKey: '2251799813685249' });
    });
    const answer = await client().call({
      method: 'POST',
      url: `${url}/v2/process-instances`,
      json: { a: 1 },
      deadlineMs: 2000,
    });
    expect(answer).toEqual({ outcome: { kind: 'ok', status: 200 }, body: { processInstanceKey: '2251799813685249' } });
    expect(seen).toEqual({ method: 'POST', type: 'application/json', body: '{"a":1}' });
  });

  it('a 204 without a body is ok with body null', async () => {
    const { url } = await serve((_req, res) => res.writeHead(204).end());
    expect(await client().call({ method: 'POST', url, json: {}, deadlineMs: 2000 })).toEqual({
      outcome: { kind: 'ok', status: 204 },
      body: null,
    });
  });

  it("a 500 with the engine's problem document is an error in the engine's words", async () => {
    const problem = {
      type: 'about:blank',
      title: 'Peer error',
      status: 500,
      detail: 'this node leads no partition; retry',
    };
    const { url } = await serve((_req, res) => send(res, 500, problem));
    const answer = await client().call({ method: 'POST', url, json: {}, deadlineMs: 2000 });
    expect(answer.outcome).toEqual({
      kind: 'error',
      status: 500,
      message: 'Peer error: this node leads no partition; retry',
    });
    expect(answer.body).toEqual(problem);
  });

  it('a plain-text error answer becomes one line of at most 120 characters', async () => {
    const { url } = await serve((_req, res) => res.writeHead(400).end(`Failed to parse\n the body ${'x'.repeat(300)}`));
    const answer = await client().call({ method: 'GET', url, deadlineMs: 2000 });
    expect(answer.outcome.kind).toBe('error');
    const message = answer.outcome.kind === 'error' ? answer.outcome.message : '';
    expect(message.startsWith('Failed to parse the body xxx')).toBe(true);
    expect(message.length).toBe(120);
    expect(message).not.toContain('\n');
  });

  it('no answer within the deadline is a timeout, and the socket is destroyed', async () => {
    let closed = false;
    const { url } = await serve((req) => req.socket.on('close', () => (closed = true))); // never answers
    const began = Date.now();
    const answer = await client().call({ method: 'GET', url, deadlineMs: 150 });
    expect(answer).toEqual({ outcome: { kind: 'timeout' }, body: null });
    expect(Date.now() - began).toBeGreaterThanOrEqual(140);
    expect(Date.now() - began).toBeLessThan(1500);
    await expect.poll(() => closed).toBe(true);
  });

  it('a connection reset is an error without a status: "reset"', async () => {
    const { url } = await serve((req) => req.socket.destroy());
    expect((await client().call({ method: 'POST', url, json: {}, deadlineMs: 2000 })).outcome).toEqual({
      kind: 'error',
      status: null,
      message: 'reset',
    });
  });

  it('nothing listening is an error without a status: "refused"', async () => {
    const { url, server } = await serve(() => undefined);
    servers.splice(servers.indexOf(server), 1);
    await new Promise((resolve) => server.close(resolve));
    expect((await client().call({ method: 'GET', url, deadlineMs: 2000 })).outcome).toEqual({
      kind: 'error',
      status: null,
      message: 'refused',
    });
  });

  it('never throws, not even for a URL it cannot use', async () => {
    const answer = await client().call({ method: 'GET', url: 'not a url', deadlineMs: 100 });
    expect(answer.outcome).toMatchObject({ kind: 'error', status: null });
  });

  it('sends a form as multipart/form-data with the file, as a deployment needs', async () => {
    let seen = { type: '', body: '' };
    const { url } = await serve((req, res, body) => {
      seen = { type: req.headers['content-type'] ?? '', body };
      send(res, 200, {});
    });
    const form = { field: 'resources', filename: 'p.bpmn', contentType: 'application/xml', content: '<xml/>' };
    await client().call({ method: 'POST', url, form, deadlineMs: 2000 });
    const boundary = /^multipart\/form-data; boundary=(.+)$/.exec(seen.type)?.[1];
    expect(boundary).toBeDefined();
    expect(seen.body).toBe(
      `--${boundary}\r\nContent-Disposition: form-data; name="resources"; filename="p.bpmn"\r\n` +
        `Content-Type: application/xml\r\n\r\n<xml/>\r\n--${boundary}--\r\n`,
    );
  });

  it('keeps one connection for requests in turn, and close() ends it', async () => {
    let closed = false;
    const { url, connections } = await serve((req, res) => {
      req.socket.once('close', () => (closed = true));
      send(res, 200, {});
    });
    const drill = client();
    for (let i = 0; i < 5; i += 1) await drill.call({ method: 'GET', url, deadlineMs: 2000 });
    expect(connections()).toBe(1);
    drill.close();
    await expect.poll(() => closed).toBe(true);
  });
});

describe('engineMessage', () => {
  it('joins title and detail once, and hides keys so errors group by kind', () => {
    expect(engineMessage({ title: 'Job not found', detail: 'No job with key 4503599627370500.' }, 'Not Found')).toBe(
      'Job not found: No job with key <key>.',
    );
    expect(engineMessage({ title: 'Same', detail: 'Same' }, '')).toBe('Same');
  });

  it("falls back to the status line's text when the body says nothing", () => {
    expect(engineMessage(null, 'Internal Server Error')).toBe('Internal Server Error');
    expect(engineMessage({ status: 500 }, 'Internal Server Error')).toBe('Internal Server Error');
  });
});
