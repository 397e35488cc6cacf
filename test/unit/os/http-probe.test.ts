// The probe's own HTTP client: the response reader on hand-made bytes, then the socket side against
// real loopback servers (node:http, and raw TCP servers for what node:http will not send).
import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpProbe } from '../../../src/os/http-probe.js';
import { MAX_BODY_BYTES, readResponse } from '../../../src/os/http-response.js';

const bytes = (text: string): Buffer => Buffer.from(text, 'latin1');

describe('readResponse', () => {
  it('a Content-Length body is complete once that many bytes are in, not before', () => {
    const whole = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello';
    expect(readResponse(bytes(whole.slice(0, -1)), false)).toEqual({ kind: 'partial' });
    const done = readResponse(bytes(whole), false);
    expect(done).toMatchObject({ kind: 'complete', status: 200 });
    expect(done.kind === 'complete' && done.body.toString()).toBe('hello');
  });

  it('a chunked body is joined, and complete only with its last chunk', () => {
    const head = 'HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\n\r\n';
    const body = '4\r\nWiki\r\n6;ext=1\r\npedia \r\nb\r\nin chunks.\n\r\n0\r\n\r\n';
    expect(readResponse(bytes(head + body.slice(0, -2)), false)).toEqual({ kind: 'partial' });
    const done = readResponse(bytes(head + body), false);
    expect(done).toMatchObject({ kind: 'complete', status: 503 });
    expect(done.kind === 'complete' && done.body.toString()).toBe('Wikipedia in chunks.\n');
  });

  it('without a length the body runs to the end of the connection', () => {
    const text = 'HTTP/1.0 200 OK\r\n\r\n{"a":1}';
    expect(readResponse(bytes(text), false)).toEqual({ kind: 'partial' });
    const done = readResponse(bytes(text), true);
    expect(done.kind === 'complete' && done.body.toString()).toBe('{"a":1}');
  });

  it('skips an interim 1xx answer and reads the real one', () => {
    const done = readResponse(
      bytes('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\nno'),
      false,
    );
    expect(done).toMatchObject({ kind: 'complete', status: 404 });
  });

  it('names what is wrong with an answer that is not HTTP, or not one we can read', () => {
    expect(readResponse(bytes('SSH-2.0-OpenSSH_9.2\r\n\r\n'), false)).toEqual({
      kind: 'malformed',
      reason: 'not an HTTP/1.x response',
    });
    expect(readResponse(bytes('HTTP/1.1 200 OK\r\nContent-Length: -3\r\n\r\n'), false)).toEqual({
      kind: 'malformed',
      reason: 'bad Content-Length "-3"',
    });
    expect(readResponse(bytes('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'), false)).toMatchObject({
      kind: 'malformed',
    });
    expect(readResponse(bytes(`HTTP/1.1 200 OK\r\nContent-Length: ${MAX_BODY_BYTES + 1}\r\n\r\n`), false)).toEqual({
      kind: 'malformed',
      reason: 'response body too large',
    });
    expect(readResponse(Buffer.alloc(70 * 1024, 'a'), false)).toEqual({
      kind: 'malformed',
      reason: 'response headers too large',
    });
  });
});

describe('createHttpProbe against real sockets', () => {
  const servers: net.Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
  });

  // A raw server reads what it is sent (resume), as real ones do: else it never sees the client close.
  const listen = async (server: net.Server): Promise<number> => {
    server.on('connection', (socket) => socket.resume());
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as net.AddressInfo).port;
  };

  it('reads JSON from node:http, chunked and with a length, and sends the path and query it was given', async () => {
    const seen: string[] = [];
    const port = await listen(
      http.createServer((req, res) => {
        seen.push(`${req.url} ${req.headers.accept}`);
        if (req.url?.startsWith('/chunked')) {
          res.write('{"part":');
          setTimeout(() => res.end('"two"}'), 20);
        } else res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true }));
      }),
    );
    const probe = createHttpProbe();
    expect(await probe.getJson(`http://127.0.0.1:${port}/v2/topology?x=1`, 1_000)).toEqual({
      kind: 'answers',
      status: 201,
      body: { ok: true },
    });
    expect(await probe.getJson(`http://127.0.0.1:${port}/chunked`, 1_000)).toEqual({
      kind: 'answers',
      status: 200,
      body: { part: 'two' },
    });
    expect(seen).toEqual(['/v2/topology?x=1 application/json', '/chunked application/json']);
    await probe.close();
  });

  it('says refused for a closed port and timeout for a listener that never answers, within its deadline', async () => {
    const closed = await listen(net.createServer());
    await new Promise((resolve) => servers.pop()!.close(resolve));
    const silent = await listen(net.createServer(() => undefined));
    const probe = createHttpProbe();
    expect(await probe.getJson(`http://127.0.0.1:${closed}/`, 1_000)).toEqual({ kind: 'refused' });
    const began = Date.now();
    expect(await probe.getJson(`http://127.0.0.1:${silent}/`, 150)).toEqual({ kind: 'timeout' });
    expect(Date.now() - began).toBeLessThan(1_000);
    await probe.close();
  });

  it('asks again after a connection is dropped without an answer, and takes the next answer', async () => {
    let connections = 0;
    const port = await listen(
      net.createServer((socket) => {
        connections++;
        if (connections === 1) socket.destroy();
        else socket.end('HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ntrue');
      }),
    );
    const probe = createHttpProbe();
    expect(await probe.getJson(`http://127.0.0.1:${port}/`, 2_000)).toEqual({
      kind: 'answers',
      status: 200,
      body: true,
    });
    expect(connections).toBe(2);
    await probe.close();
  });

  it('an answer cut off before its length is not taken as an answer', async () => {
    const port = await listen(
      net.createServer((socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{"half":')),
    );
    expect(await createHttpProbe().getJson(`http://127.0.0.1:${port}/`, 200)).toEqual({ kind: 'timeout' });
  });

  it('a listener that is not HTTP is an error naming why, and non-JSON text is kept as text', async () => {
    const ssh = await listen(net.createServer((socket) => socket.end('SSH-2.0-OpenSSH_9.2\r\n\r\n')));
    const plain = await listen(net.createServer((socket) => socket.end('HTTP/1.0 500 Oops\r\n\r\nnot json')));
    const probe = createHttpProbe();
    expect(await probe.getJson(`http://127.0.0.1:${ssh}/`, 1_000)).toEqual({
      kind: 'error',
      message: 'not an HTTP/1.x response',
    });
    expect(await probe.getJson(`http://127.0.0.1:${plain}/`, 1_000)).toEqual({
      kind: 'answers',
      status: 500,
      body: 'not json',
    });
  });

  it('a large answer in many pieces arrives whole', async () => {
    const big = JSON.stringify({ items: Array.from({ length: 20_000 }, (_, i) => `item-${i}`) });
    const port = await listen(http.createServer((_req, res) => res.end(big)));
    const answer = await createHttpProbe().getJson(`http://127.0.0.1:${port}/`, 2_000);
    expect(answer.kind === 'answers' && (answer.body as { items: string[] }).items.length).toBe(20_000);
  });
});
