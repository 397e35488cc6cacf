// The drill's HTTP client: one request with a deadline, and how it ended in the drill's words (ok,
// an error with the engine's own message, or a timeout = unknown outcome). It never throws: a drill
// records every failure, it does not stop at one. node:http is loaded on first use, so only `drill`
// pays for it; a keep-alive agent holds connections open so 100 requests a second do not use up
// ephemeral ports.
import type http from 'node:http';
import { createRequire } from 'node:module';
import type { RequestOutcome } from '../drill/record.js';

export interface DrillRequest {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly json?: unknown;
  /** One file as multipart/form-data (a deployment's `resources`). */
  readonly form?: {
    readonly field: string;
    readonly filename: string;
    readonly contentType: string;
    readonly content: string;
  };
  readonly deadlineMs: number;
}

export interface DrillAnswer {
  readonly outcome: RequestOutcome;
  /** The answer's JSON, its text when not JSON, or null (no answer, or an empty one). */
  readonly body: unknown;
}

export type DrillCall = (request: DrillRequest) => Promise<DrillAnswer>;

/** An answer larger than this is not the engine's: the request fails rather than filling memory. */
const MAX_ANSWER_BYTES = 64 * 1024 * 1024;
const MAX_MESSAGE_CHARS = 120;
const BOUNDARY = 'c8ctl-nano-drill-7f3a91c2e5';

const require = createRequire(import.meta.url);

export function createDrillHttp(): { readonly call: DrillCall; close(): void } {
  const httpModule = require('node:http') as typeof import('node:http');
  const agent = new httpModule.Agent({ keepAlive: true });
  return {
    call: (request) => send(httpModule, agent, request),
    close: () => agent.destroy(),
  };
}

function send(httpModule: typeof http, agent: http.Agent, request: DrillRequest): Promise<DrillAnswer> {
  return new Promise((resolve) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (answer: DrillAnswer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(answer);
    };
    let req: http.ClientRequest;
    try {
      const { headers, payload } = encode(request);
      req = httpModule.request(request.url, { method: request.method, agent, headers });
      req.end(payload);
    } catch (error) {
      finish({ outcome: socketFailure(error as NodeJS.ErrnoException), body: null });
      return;
    }
    // The client gives up: whatever the engine does with it now is unknown. The socket goes too,
    // so a frozen node cannot hold it (or the agent's pool) for ever.
    timer = setTimeout(() => {
      finish({ outcome: { kind: 'timeout' }, body: null });
      req.destroy();
    }, request.deadlineMs);
    req.on('error', (error: NodeJS.ErrnoException) => finish({ outcome: socketFailure(error), body: null }));
    req.on('response', (res) => readAnswer(res, finish));
  });
}

function readAnswer(res: http.IncomingMessage, finish: (answer: DrillAnswer) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  res.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_ANSWER_BYTES) {
      finish({ outcome: { kind: 'error', status: res.statusCode ?? null, message: 'answer too large' }, body: null });
      res.destroy();
      return;
    }
    chunks.push(chunk);
  });
  res.on('error', (error: NodeJS.ErrnoException) => finish({ outcome: socketFailure(error), body: null }));
  res.on('end', () => {
    const status = res.statusCode ?? 0;
    const body = parseBody(Buffer.concat(chunks).toString('utf8'));
    if (status >= 200 && status < 300) return finish({ outcome: { kind: 'ok', status }, body });
    finish({ outcome: { kind: 'error', status, message: engineMessage(body, res.statusMessage ?? '') }, body });
  });
}

function encode(request: DrillRequest): { headers: Record<string, string | number>; payload: Buffer | undefined } {
  const headers: Record<string, string | number> = { accept: 'application/json' };
  let payload: Buffer | undefined;
  if (request.form !== undefined) {
    const { field, filename, contentType, content } = request.form;
    payload = Buffer.from(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\n` +
        `Content-Type: ${contentType}\r\n\r\n${content}\r\n--${BOUNDARY}--\r\n`,
    );
    headers['content-type'] = `multipart/form-data; boundary=${BOUNDARY}`;
  } else if (request.json !== undefined) {
    payload = Buffer.from(JSON.stringify(request.json));
    headers['content-type'] = 'application/json';
  }
  if (payload !== undefined) headers['content-length'] = payload.length;
  return { headers, payload };
}

function parseBody(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** No answer came: refused (nothing listens), reset (the connection dropped), or the system's code. */
function socketFailure(error: NodeJS.ErrnoException): RequestOutcome {
  const words: Record<string, string> = {
    ECONNREFUSED: 'refused',
    ECONNRESET: 'reset',
    EPIPE: 'reset',
    ECONNABORTED: 'aborted',
    EHOSTUNREACH: 'unreachable',
    ENETUNREACH: 'unreachable',
  };
  const message = (error.code !== undefined ? words[error.code] : undefined) ?? error.code?.toLowerCase();
  return { kind: 'error', status: null, message: oneLine(message ?? error.message) };
}

/**
 * The engine's problem document (`{ title, detail, status }`, e.g. title "The provided data is not
 * valid", detail "No deployed process with id 'x'."), as `title: detail`, or its text. Keys in it
 * ("No job with key 4503599627370500.") become `<key>` so that the report can count errors by kind.
 */
export function engineMessage(body: unknown, statusText: string): string {
  let words: string;
  if (typeof body === 'object' && body !== null) {
    const { title, detail } = body as { title?: unknown; detail?: unknown };
    const parts = [title, detail].filter((p): p is string => typeof p === 'string' && p.trim() !== '');
    words = [...new Set(parts)].join(': ');
  } else words = typeof body === 'string' ? body : '';
  if (words.trim() === '') words = statusText;
  return oneLine(words.replace(/\b(key '?)\d+/gi, '$1<key>'));
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= MAX_MESSAGE_CHARS ? line : `${line.slice(0, MAX_MESSAGE_CHARS - 1)}…`;
}
