// One GET over http or https whose body is streamed to a sink and hashed (SHA-256) on the way, for
// downloads too large to hold as text. Follows a few redirects (release hosts answer 302 to a CDN),
// gives up on a connection that goes quiet, and names the cause of a failure like http-get.ts.
import { crypto } from './builtins.js';
import type http from 'node:http';
import { clientFor, networkFailure } from './http-client.js';

export type DownloadResult =
  | { readonly kind: 'done'; readonly bytes: number; readonly sha256: string; readonly url: string }
  | { readonly kind: 'status'; readonly status: number; readonly url: string }
  | { readonly kind: 'too-large'; readonly limit: number }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'refused' }
  | { readonly kind: 'dns'; readonly host: string }
  | { readonly kind: 'error'; readonly message: string };

export interface DownloadOptions {
  /** Deadline for the whole exchange, redirects included. */
  readonly timeoutMs: number;
  /** A connection silent for this long is given up (default: timeoutMs). */
  readonly idleMs?: number;
  readonly maxBytes: number;
  readonly maxRedirects?: number;
  /** Receives the body, chunk by chunk, only for a 2xx answer. A throw ends the download as an error. */
  readonly onChunk: (chunk: Buffer) => void;
}

/** What went wrong, in a few words that continue "… failed: ". */
export function downloadCause(result: Exclude<DownloadResult, { kind: 'done' }>): string {
  switch (result.kind) {
    case 'status':
      return `${result.url} answered HTTP ${result.status}`;
    case 'too-large':
      return `the answer is larger than ${result.limit} bytes`;
    case 'timeout':
      return 'no answer in time (timeout)';
    case 'refused':
      return 'the connection was refused (is the server down?)';
    case 'dns':
      return `the host ${result.host} is unknown (DNS)`;
    case 'error':
      return result.message;
  }
}

export function httpDownload(url: string, options: DownloadOptions): Promise<DownloadResult> {
  return new Promise((resolve) => {
    let settled = false;
    let current: http.ClientRequest | undefined;
    let idle: NodeJS.Timeout | undefined;
    const done = (result: DownloadResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      clearTimeout(idle);
      current?.destroy();
      resolve(result);
    };
    const deadline = setTimeout(() => done({ kind: 'timeout' }), options.timeoutMs);
    const touch = (): void => {
      clearTimeout(idle);
      idle = setTimeout(() => done({ kind: 'timeout' }), options.idleMs ?? options.timeoutMs);
    };

    const get = (target: string, redirectsLeft: number): void => {
      let parsed: URL;
      try {
        parsed = new URL(target);
      } catch {
        return done({ kind: 'error', message: `not a URL: ${target}` });
      }
      const client = clientFor(parsed);
      if (!client) return done({ kind: 'error', message: `unsupported protocol ${parsed.protocol} in ${target}` });
      touch();
      const request = client.get(
        parsed,
        { headers: { 'user-agent': 'c8ctl-plugin-nano' }, agent: false },
        (response) => {
          const status = response.statusCode ?? 0;
          const location = response.headers.location;
          if (status >= 300 && status < 400 && location !== undefined) {
            response.resume();
            if (redirectsLeft <= 0) return done({ kind: 'error', message: `too many redirects (last: ${target})` });
            return get(new URL(location, parsed).toString(), redirectsLeft - 1);
          }
          if (status < 200 || status >= 300) {
            response.resume();
            return done({ kind: 'status', status, url: target });
          }
          const hash = crypto().createHash('sha256');
          let bytes = 0;
          response.on('data', (chunk: Buffer) => {
            if (settled) return;
            touch();
            bytes += chunk.length;
            if (bytes > options.maxBytes) return done({ kind: 'too-large', limit: options.maxBytes });
            hash.update(chunk);
            try {
              options.onChunk(chunk);
            } catch (error) {
              done({ kind: 'error', message: (error as Error).message });
            }
          });
          response.on('end', () => done({ kind: 'done', bytes, sha256: hash.digest('hex'), url: target }));
          response.on('error', (error) => done({ kind: 'error', message: error.message }));
        },
      );
      current = request;
      request.on('error', (error: NodeJS.ErrnoException) => done(networkFailure(error, parsed)));
    };
    get(url, options.maxRedirects ?? 5);
  });
}
