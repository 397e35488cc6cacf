// HTTP probes with hard timeouts. A frozen engine accepts TCP connections but never answers, so
// every request carries its own deadline; "timeout" vs "refused" is itself the diagnosis.
// One plain GET on a fresh TCP socket, read by os/http-response.ts, rather than node:http: every
// status and every readiness poll pays for the client on a cold Node, and node:http's (its agent,
// request, incoming, outgoing and server modules, then its first request's code run once) cost
// 6–7 ms of `status`'s ~30 over a bare node (README, "Dependencies"). Only http://host:port URLs.
import net from 'node:net';
import { readResponse } from './http-response.js';

export type ProbeResult =
  | { readonly kind: 'answers'; readonly status: number; readonly body: unknown }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'refused' }
  | { readonly kind: 'error'; readonly message: string };

export interface HttpProbe {
  getJson(url: string, timeoutMs: number): Promise<ProbeResult>;
  /** Destroys sockets still open (a request abandoned at its deadline) so the CLI can exit. */
  close(): Promise<void>;
}

/** Retry pace while a listener keeps closing connections without answering. */
const HANG_UP_RETRY_MS = 25;

/**
 * The connection was accepted and then closed before a whole answer: a node shutting down or
 * booting, or a listener that drops connections. Not an answer, so the probe asks again until its
 * deadline (and then says "timeout").
 */
function isHangUp(error: NodeJS.ErrnoException): boolean {
  return error.code === 'ECONNRESET' || error.code === 'EPIPE';
}

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text; // not JSON: keep the text
  }
}

type Attempt = { readonly kind: 'done'; readonly result: ProbeResult } | { readonly kind: 'hang-up' };

interface Target {
  readonly host: string;
  readonly port: number;
  readonly request: string;
}

function targetOf(url: string): Target {
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:') throw new Error(`the HTTP probe asks http:// URLs only, not ${parsed.protocol}`);
  // An IPv6 literal comes bracketed in the URL; the socket wants it bare.
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  const request = `GET ${parsed.pathname}${parsed.search} HTTP/1.1\r\nHost: ${parsed.host}\r\nAccept: application/json\r\nConnection: close\r\n\r\n`;
  return { host, port: parsed.port === '' ? 80 : Number(parsed.port), request };
}

/** The bytes received so far, grown by doubling: a large answer in many chunks is copied O(n) times, not O(n²). */
class ReceivedBytes {
  private buffer = Buffer.allocUnsafe(16 * 1024);
  private length = 0;

  append(chunk: Buffer): void {
    if (this.length + chunk.length > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + chunk.length));
      this.buffer.copy(grown, 0, 0, this.length);
      this.buffer = grown;
    }
    chunk.copy(this.buffer, this.length);
    this.length += chunk.length;
  }

  view(): Buffer {
    return this.buffer.subarray(0, this.length);
  }
}

/** What the bytes so far make of the attempt, or undefined while more may come. */
function judge(received: Buffer, ended: boolean): Attempt | undefined {
  const read = readResponse(received, ended);
  if (read.kind === 'complete')
    return {
      kind: 'done',
      result: { kind: 'answers', status: read.status, body: parseBody(read.body.toString('utf8')) },
    };
  if (read.kind === 'malformed') return { kind: 'done', result: { kind: 'error', message: read.reason } };
  return ended ? { kind: 'hang-up' } : undefined; // cut off mid-answer: as good as no answer
}

/** One request on its own connection, kept in `open` until it settles; `cancel` lets the deadline destroy it. */
function attempt(target: Target, open: Set<net.Socket>, cancel: { current?: () => void }): Promise<Attempt> {
  return new Promise((resolve) => {
    const socket = net.connect(target.port, target.host);
    open.add(socket);
    const received = new ReceivedBytes();
    let settled = false;
    const settle = (outcome: Attempt | undefined): void => {
      if (settled || outcome === undefined) return;
      settled = true;
      open.delete(socket);
      socket.destroy();
      resolve(outcome);
    };
    socket.on('connect', () => socket.write(target.request));
    socket.on('data', (chunk: Buffer) => {
      received.append(chunk);
      settle(judge(received.view(), false));
    });
    socket.on('end', () => settle(judge(received.view(), true)));
    socket.on('close', () => settle({ kind: 'hang-up' }));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED') settle({ kind: 'done', result: { kind: 'refused' } });
      else if (isHangUp(error)) settle({ kind: 'hang-up' });
      else settle({ kind: 'done', result: { kind: 'error', message: error.code ?? error.message } });
    });
    cancel.current = () => settle({ kind: 'hang-up' });
  });
}

/** Asks `target` again after each hang-up until it answers or `timeoutMs` passes. */
async function ask(target: Target, timeoutMs: number, open: Set<net.Socket>): Promise<ProbeResult> {
  // The deadline timer is ref'd, unlike AbortSignal.timeout(), so Node stays alive until it answers.
  const cancel: { current?: () => void } = {};
  let expired = false;
  let deadline: NodeJS.Timeout | undefined;
  const timedOut = new Promise<ProbeResult>((resolve) => {
    deadline = setTimeout(() => {
      expired = true;
      cancel.current?.();
      resolve({ kind: 'timeout' });
    }, timeoutMs);
  });
  const asking = (async (): Promise<ProbeResult> => {
    for (;;) {
      const outcome = await attempt(target, open, cancel);
      if (expired) return { kind: 'timeout' };
      if (outcome.kind === 'done') return outcome.result;
      await new Promise((resolve) => setTimeout(resolve, HANG_UP_RETRY_MS));
      if (expired) return { kind: 'timeout' };
    }
  })();
  try {
    return await Promise.race([asking, timedOut]);
  } finally {
    clearTimeout(deadline);
  }
}

export function createHttpProbe(): HttpProbe {
  const open = new Set<net.Socket>();
  return {
    getJson: async (url, timeoutMs) => ask(targetOf(url), timeoutMs, open),
    close: async () => {
      for (const socket of open) socket.destroy();
      open.clear();
    },
  };
}
