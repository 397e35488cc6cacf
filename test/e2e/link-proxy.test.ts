// The built link proxy (dist/src/link-proxy.cjs) between plain TCP servers and clients on loopback,
// no engine: what it binds and says, that bytes pass intact, that a silent fault holds one direction
// and heal releases it in order, that a refusing fault resets open and new connections, that a delay
// is really added, and that it stops on a bad plan, a taken port, SIGTERM, or its control directory going away.
// Every process it starts is killed by PID after each test, failed or not; every temp dir goes.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  readApplied,
  readFailed,
  readReady,
  waitForApplied,
  writeFaultTable,
  type ReadyDocument,
} from '../../src/links/control-files.js';
import { cut, heal, NO_FAULTS, slow, type FaultTable } from '../../src/links/faults.js';
import { waitUntil } from '../support/processes.js';

const PROXY = path.resolve('dist/src/link-proxy.cjs');
const children: ChildProcess[] = [];
const cleanups: Array<() => void | Promise<void>> = [];

afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      process.kill(child.pid!, 'SIGKILL');
      await gone;
    }
  }
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A TCP server on a port the OS picks, keeping every connection and what each sent; it may echo, or answer and close. */
async function recorder(behaviour: { echo?: boolean; answer?: Buffer } = {}) {
  const sockets: net.Socket[] = [];
  const received: Buffer[][] = [];
  const server = net.createServer((socket) => {
    const chunks: Buffer[] = [];
    sockets.push(socket);
    received.push(chunks);
    socket.on('error', () => {});
    socket.on('data', (c: Buffer) => (chunks.push(c), behaviour.echo && socket.write(c)));
    if (behaviour.answer) socket.end(behaviour.answer);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () => new Promise<void>((resolve) => (sockets.forEach((s) => s.destroy()), server.close(() => resolve()))),
  );
  const bytes = (i: number) => Buffer.concat(received[i] ?? []);
  return { port: (server.address() as net.AddressInfo).port, sockets, received, bytes };
}

/** A client connection that keeps what it receives and how it ended. */
function dial(port: number) {
  const socket = net.connect(port, '127.0.0.1');
  const chunks: Buffer[] = [];
  const state = { error: '' as string, closed: false };
  socket.on('data', (c: Buffer) => chunks.push(c));
  socket.on('error', (e: NodeJS.ErrnoException) => (state.error = e.code ?? e.message));
  const closed = new Promise<string>((resolve) =>
    socket.on('close', () => ((state.closed = true), resolve(state.error))),
  );
  cleanups.push(() => void socket.destroy());
  return { socket, state, closed, bytes: () => Buffer.concat(chunks) };
}

/** dial, once connected. */
async function client(port: number) {
  const c = dial(port);
  await new Promise<void>((resolve, reject) => c.socket.once('connect', resolve).once('error', reject));
  return c;
}

async function controlDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'nano-links-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

interface Proxy {
  child: ChildProcess;
  dir: string;
  stdout: () => string;
  exited: Promise<number | null>;
}

async function launch(
  links: Array<{ from: number; to: number; port: number; targetPort: number }>,
  dir?: string,
): Promise<Proxy> {
  dir ??= await controlDir();
  await writeFile(path.join(dir, 'plan.json'), JSON.stringify({ links, host: '127.0.0.1' }));
  const child = spawn(process.execPath, [PROXY, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, dir, stdout: () => out, exited };
}

async function ready(proxy: Proxy): Promise<ReadyDocument> {
  await waitUntil(
    () => readReady(proxy.dir) !== null || proxy.child.exitCode !== null,
    10_000,
    `ready.json (log: ${proxy.stdout()})`,
  );
  const doc = readReady(proxy.dir);
  expect(doc, proxy.stdout()).not.toBeNull();
  return doc!;
}

/** Writes the table and waits until the proxy says it applied exactly that generation. */
async function apply(proxy: Proxy, table: FaultTable): Promise<FaultTable> {
  writeFaultTable(proxy.dir, table);
  expect(await waitForApplied(proxy.dir, table.generation, 5_000), proxy.stdout()).not.toBeNull();
  return table;
}

/** Loopback listeners on `port` from /proc/net/tcp: their local addresses, as hex. */
function listenersOn(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f[1]?.endsWith(`:${hexPort}`) && f[3] === '0A')
    .map((f) => f[1]!.split(':')[0]!);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const portOf = (doc: ReadyDocument, from: number, to: number) =>
  doc.links.find((l) => l.from === from && l.to === to)!.port;

describe('link proxy', () => {
  it('binds every link on 127.0.0.1 only, says so in ready.json, and forwards each to its own target', async () => {
    const [a, b] = [await recorder(), await recorder()];
    const proxy = await launch([
      { from: 0, to: 1, port: 0, targetPort: a.port },
      { from: 1, to: 0, port: 0, targetPort: b.port },
    ]);
    const doc = await ready(proxy);
    expect(doc.pid).toBe(proxy.child.pid);
    expect(doc.links.map((l) => [l.from, l.to, l.targetPort])).toEqual([
      [0, 1, a.port],
      [1, 0, b.port],
    ]);
    const [p01, p10] = [portOf(doc, 0, 1), portOf(doc, 1, 0)];
    expect(p01).toBeGreaterThan(0);
    expect(p10).not.toBe(p01);
    for (const port of [p01, p10]) expect(listenersOn(port)).toEqual(['0100007F']);
    const c0 = await client(p01);
    const c1 = await client(p10);
    c0.socket.write('to node 1');
    c1.socket.write('to node 0');
    await waitUntil(() => a.bytes(0).length === 9 && b.bytes(0).length === 9, 5_000, 'both targets to receive');
    expect([a.bytes(0).toString(), b.bytes(0).toString()]).toEqual(['to node 1', 'to node 0']);
    expect(await waitForApplied(proxy.dir, 0, 2_000)).toMatchObject({ generation: 0, pid: proxy.child.pid });
  });

  it('passes bytes both ways intact, counts them in applied.json, and never logs them', async () => {
    const echo = await recorder({ echo: true });
    const proxy = await launch([{ from: 0, to: 1, port: 0, targetPort: echo.port }]);
    const c = await client(portOf(await ready(proxy), 0, 1));
    const secret = `secret-${randomBytes(8).toString('hex')}`;
    const payload = Buffer.concat([Buffer.from(secret), randomBytes(512 * 1024)]);
    c.socket.write(payload);
    await waitUntil(() => c.bytes().length >= payload.length, 10_000, 'the echo');
    expect(c.bytes().equals(payload)).toBe(true);
    await waitUntil(
      () => readApplied(proxy.dir)?.links[0]?.bytesDown === payload.length,
      5_000,
      'applied.json to count the bytes',
    );
    expect(readApplied(proxy.dir)!.links[0]).toMatchObject({
      open: 1,
      bytesUp: payload.length,
      bytesDown: payload.length,
    });
    expect(proxy.stdout()).toMatch(/connection 0→1#1 open/);
    expect(proxy.stdout()).not.toContain(secret);
  });

  it('a silent cut holds that direction only, and heal releases it intact and in order', async () => {
    const server = await recorder();
    const proxy = await launch([{ from: 0, to: 1, port: 0, targetPort: server.port }]);
    const c = await client(portOf(await ready(proxy), 0, 1));
    await waitUntil(() => server.sockets.length === 1, 5_000, 'the target to be dialled');
    let table = await apply(proxy, cut(NO_FAULTS, 0, 1, 'stall'));
    const sent = Buffer.concat(Array.from({ length: 200 }, (_, i) => Buffer.from(`chunk ${i} ${'x'.repeat(1000)}\n`)));
    for (let i = 0; i < sent.length; i += 4096) c.socket.write(sent.subarray(i, i + 4096));
    // The other direction (1→0) still flows.
    server.sockets[0]!.write('reply');
    await waitUntil(() => c.bytes().toString() === 'reply', 5_000, 'the reply to pass');
    await sleep(300);
    expect(server.bytes(0).length).toBe(0);
    // A malformed table changes nothing: the stall stays.
    await writeFile(path.join(proxy.dir, 'faults.json'), '{"generation": 9, "flows": [{"from": 0}]}');
    await waitUntil(() => proxy.stdout().includes('faults.json ignored'), 5_000, 'the bad table to be logged');
    expect(readApplied(proxy.dir)!.generation).toBe(table.generation);
    expect(server.bytes(0).length).toBe(0);
    table = await apply(proxy, heal(table));
    await waitUntil(() => server.bytes(0).length >= sent.length, 10_000, 'the held bytes');
    expect(server.bytes(0).equals(sent)).toBe(true);
    expect(c.state.error).toBe('');
  });

  it('a refusing fault resets open connections and every new one until healed, for either flow of the link', async () => {
    const server = await recorder();
    const proxy = await launch([{ from: 0, to: 1, port: 0, targetPort: server.port }]);
    const port = portOf(await ready(proxy), 0, 1);
    const open = await client(port);
    await waitUntil(() => server.sockets.length === 1, 5_000, 'the target to be dialled');
    let table = await apply(proxy, cut(NO_FAULTS, 0, 1, 'reset'));
    await waitUntil(
      () => open.state.closed && server.sockets[0]!.destroyed,
      5_000,
      'both sides of the open connection to be reset',
    );
    expect(open.state.error).toBe('ECONNRESET');
    expect(await dial(port).closed).toBe('ECONNRESET');
    // The flow back (1→0) refusing refuses connections 0 dialled too: they carry it.
    table = await apply(proxy, cut(heal(table), 1, 0, 'reset'));
    expect(await dial(port).closed).toBe('ECONNRESET');
    expect(server.sockets).toHaveLength(1);
    await apply(proxy, heal(table));
    const healed = await client(port);
    healed.socket.write('again');
    await waitUntil(() => server.bytes(1).toString() === 'again', 5_000, 'a connection after heal to pass');
  });

  it('a slowed node adds its delay to each direction', async () => {
    const echo = await recorder({ echo: true });
    const proxy = await launch([{ from: 0, to: 1, port: 0, targetPort: echo.port }]);
    const c = await client(portOf(await ready(proxy), 0, 1));
    await apply(proxy, slow(NO_FAULTS, 1, 2, { delayMs: 300, jitterMs: 20, rateBytesPerSec: null }));
    const began = process.hrtime.bigint();
    c.socket.write('ping');
    await waitUntil(() => c.bytes().toString() === 'ping', 10_000, 'the echo');
    const roundTripMs = Number(process.hrtime.bigint() - began) / 1e6;
    expect(roundTripMs).toBeGreaterThanOrEqual(600);
  });

  it('a target that answers and closes: the dialer gets every byte before the end, even delayed', async () => {
    const answer = randomBytes(300 * 1024);
    const server = await recorder({ answer });
    const proxy = await launch([{ from: 0, to: 1, port: 0, targetPort: server.port }]);
    const port = portOf(await ready(proxy), 0, 1);
    await apply(proxy, slow(NO_FAULTS, 1, 2, { delayMs: 100, jitterMs: 50, rateBytesPerSec: null }));
    const c = dial(port);
    expect(await c.closed).toBe('');
    expect(c.bytes().equals(answer)).toBe(true);
    await waitUntil(
      () => readApplied(proxy.dir)?.links[0]?.open === 0,
      5_000,
      'applied.json to count the connection closed',
    );
  });

  it('a port already taken: failed.json names it and the OS code, exit 3, no ready.json', async () => {
    const taken = await recorder();
    const other = await recorder();
    const proxy = await launch([
      { from: 0, to: 1, port: 0, targetPort: other.port },
      { from: 1, to: 0, port: taken.port, targetPort: other.port },
    ]);
    expect(await proxy.exited).toBe(3);
    const failed = readFailed(proxy.dir);
    expect(failed?.port).toBe(taken.port);
    expect(failed?.message).toContain(`port ${taken.port}`);
    expect(failed?.message).toContain('EADDRINUSE');
    expect(failed?.message.split('\n')).toHaveLength(1);
    expect(existsSync(path.join(proxy.dir, 'ready.json'))).toBe(false);
  });

  it('a plan.json missing, not JSON, or not a plan: failed.json says which, exit 2, no ready.json', async () => {
    const cases: Array<[string | null, RegExp]> = [
      [null, /^plan\.json is missing in .*: the CLI writes it before it starts the proxy; start again$/],
      ['{"links": [', /^plan\.json in .* is .*: the CLI writes it; start again$/],
      ['{"links": 3}', /^plan\.json in .*: /],
    ];
    for (const [text, message] of cases) {
      const dir = await controlDir();
      if (text !== null) await writeFile(path.join(dir, 'plan.json'), text);
      const child = spawn(process.execPath, [PROXY, dir], { stdio: 'ignore' });
      children.push(child);
      expect(await new Promise((resolve) => child.once('exit', resolve))).toBe(2);
      expect(readFailed(dir)).toMatchObject({ message: expect.stringMatching(message), port: null });
      expect(existsSync(path.join(dir, 'ready.json'))).toBe(false);
    }
  });

  it('SIGTERM closes every listener and connection and exits 0', async () => {
    const server = await recorder();
    const proxy = await launch([{ from: 0, to: 1, port: 0, targetPort: server.port }]);
    const port = portOf(await ready(proxy), 0, 1);
    const c = await client(port);
    await waitUntil(() => server.sockets.length === 1, 5_000, 'the target to be dialled');
    proxy.child.kill('SIGTERM');
    expect(await proxy.exited).toBe(0);
    expect(listenersOn(port)).toEqual([]);
    await waitUntil(
      () => c.state.closed && server.sockets[0]!.destroyed,
      5_000,
      'the connection to be closed on both sides',
    );
    await expect(client(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('exits 0 by itself when its control directory is removed', async () => {
    const server = await recorder();
    const proxy = await launch([{ from: 0, to: 1, port: 0, targetPort: server.port }]);
    const port = portOf(await ready(proxy), 0, 1);
    // The proxy may write a control file into the folder while it is being removed (ENOTEMPTY): rm
    // reads the folder again, as a user's `rm -rf` would have to.
    await rm(proxy.dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 10 });
    expect(await proxy.exited).toBe(0);
    expect(proxy.stdout()).toMatch(/stopping: control directory .* is gone/);
    expect(listenersOn(port)).toEqual([]);
  });
});
