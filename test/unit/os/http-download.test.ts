// The streaming download (src/os/http-download.ts) against a real loopback server: the body reaches the
// sink whole and hashed, redirects are followed up to a limit, and each way of failing has its own kind.
import { createHash } from 'node:crypto';
import http from 'node:http';
import type net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { downloadCause, httpDownload, type DownloadOptions } from '../../../src/os/http-download.js';

const BODY = Buffer.from('x'.repeat(100_000));
const servers: http.Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A server whose routes answer as named; its base URL. */
async function serve(routes: Record<string, (res: http.ServerResponse) => void>): Promise<string> {
  const server = http.createServer((req, res) => {
    const route = routes[req.url ?? ''];
    if (route) route(res);
    else res.writeHead(404).end('no');
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
}

const redirect = (to: string) => (res: http.ServerResponse) => res.writeHead(302, { location: to }).end();

function options(overrides: Partial<DownloadOptions> = {}): DownloadOptions & { received: () => Buffer } {
  const chunks: Buffer[] = [];
  return {
    timeoutMs: 5_000,
    maxBytes: 1_000_000,
    onChunk: (chunk) => chunks.push(chunk),
    received: () => Buffer.concat(chunks),
    ...overrides,
  };
}

describe('httpDownload', () => {
  it('streams the body to the sink and hashes it, following redirects to the final URL', async () => {
    const base = await serve({
      '/file': (res) => res.writeHead(200).end(BODY),
      '/moved': redirect('/file'),
      '/moved-twice': redirect('/moved'),
    });
    const sink = options();
    const result = await httpDownload(`${base}/moved-twice`, sink);
    expect(result).toEqual({
      kind: 'done',
      bytes: BODY.length,
      sha256: createHash('sha256').update(BODY).digest('hex'),
      url: `${base}/file`,
    });
    expect(sink.received().equals(BODY)).toBe(true);
  });

  it('gives up after maxRedirects, naming the last URL', async () => {
    const base = await serve({ '/a': redirect('/b'), '/b': redirect('/c'), '/c': redirect('/a') });
    expect(await httpDownload(`${base}/a`, options({ maxRedirects: 1 }))).toEqual({
      kind: 'error',
      message: `too many redirects (last: ${base}/b)`,
    });
  });

  it('reports a status that is not 2xx with its URL, and sends nothing to the sink', async () => {
    const base = await serve({});
    const sink = options();
    const result = await httpDownload(`${base}/missing`, sink);
    expect(result).toEqual({ kind: 'status', status: 404, url: `${base}/missing` });
    expect(sink.received().length).toBe(0);
    if (result.kind === 'status') expect(downloadCause(result)).toBe(`${base}/missing answered HTTP 404`);
  });

  it('stops a body larger than maxBytes', async () => {
    const base = await serve({ '/file': (res) => res.writeHead(200).end(BODY) });
    expect(await httpDownload(`${base}/file`, options({ maxBytes: 1_000 }))).toEqual({
      kind: 'too-large',
      limit: 1_000,
    });
  });

  it('ends as an error when the sink throws', async () => {
    const base = await serve({ '/file': (res) => res.writeHead(200).end(BODY) });
    const failing = options({
      onChunk: () => {
        throw new Error('disk full');
      },
    });
    expect(await httpDownload(`${base}/file`, failing)).toEqual({ kind: 'error', message: 'disk full' });
  });

  it('gives up on a connection that goes quiet mid-body', async () => {
    const base = await serve({ '/stall': (res) => res.writeHead(200).write('some') });
    expect(await httpDownload(`${base}/stall`, options({ idleMs: 100 }))).toEqual({ kind: 'timeout' });
  });

  it('says refused, not a URL, and an unsupported scheme apart', async () => {
    const closed = await serve({});
    servers[0]!.close();
    servers.length = 0;
    expect(await httpDownload(`${closed}/file`, options())).toEqual({ kind: 'refused' });
    expect(await httpDownload('no url', options())).toEqual({ kind: 'error', message: 'not a URL: no url' });
    expect(await httpDownload('ftp://host/file', options())).toEqual({
      kind: 'error',
      message: 'unsupported protocol ftp: in ftp://host/file',
    });
  });
});
