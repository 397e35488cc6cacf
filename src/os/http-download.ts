// One GET over http or https whose body is streamed to a sink and hashed (SHA-256) on the way, for
// downloads too large to hold as text. Follows a few redirects (release hosts answer 302 to a CDN),
// gives up on a connection that goes quiet, and names the cause of a failure like http-get.ts.
import { crypto } from './builtins.js';
import type http from 'node:http';
import { clientFor, networkFailure } from './http-client.js';
import { PACKAGE_NAME } from '../package-name.js';

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

/** One download in flight: its timers, the request of the moment (a redirect replaces it), and its end. */
class Download {
  private settled = false;
  private current: http.ClientRequest | undefined;
  private idle: NodeJS.Timeout | undefined;
  private readonly deadline: NodeJS.Timeout;

  constructor(
    private readonly options: DownloadOptions,
    private readonly resolve: (result: DownloadResult) => void,
  ) {
    this.deadline = setTimeout(() => this.done({ kind: 'timeout' }), options.timeoutMs);
  }

  /** Ends the download once: timers cleared, the request destroyed. */
  done(result: DownloadResult): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.deadline);
    clearTimeout(this.idle);
    this.current?.destroy();
    this.resolve(result);
  }

  get(target: string, redirectsLeft: number): void {
    let parsed: URL;
    try {
      parsed = new URL(target);
    } catch {
      return this.done({ kind: 'error', message: `not a URL: ${target}` });
    }
    const client = clientFor(parsed);
    if (!client) return this.done({ kind: 'error', message: `unsupported protocol ${parsed.protocol} in ${target}` });
    this.touch();
    const request = client.get(parsed, { headers: { 'user-agent': PACKAGE_NAME }, agent: false }, (response) =>
      this.answered(response, target, parsed, redirectsLeft),
    );
    this.current = request;
    request.on('error', (error: NodeJS.ErrnoException) => this.done(networkFailure(error, parsed)));
  }

  /** A connection silent for idleMs is given up; every sign of life starts that wait again. */
  private touch(): void {
    clearTimeout(this.idle);
    this.idle = setTimeout(() => this.done({ kind: 'timeout' }), this.options.idleMs ?? this.options.timeoutMs);
  }

  /** A redirect is followed, another non-2xx status ends the download, a 2xx body is received. */
  private answered(response: http.IncomingMessage, target: string, url: URL, redirectsLeft: number): void {
    const status = response.statusCode ?? 0;
    const location = response.headers.location;
    if (status >= 300 && status < 400 && location !== undefined) {
      response.resume();
      if (redirectsLeft <= 0) return this.done({ kind: 'error', message: `too many redirects (last: ${target})` });
      return this.get(new URL(location, url).toString(), redirectsLeft - 1);
    }
    if (status < 200 || status >= 300) {
      response.resume();
      return this.done({ kind: 'status', status, url: target });
    }
    this.receive(response, target);
  }

  /** Streams a 2xx body to the sink, hashing it and counting it against maxBytes. */
  private receive(response: http.IncomingMessage, target: string): void {
    const hash = crypto().createHash('sha256');
    let bytes = 0;
    response.on('data', (chunk: Buffer) => {
      if (this.settled) return;
      this.touch();
      bytes += chunk.length;
      if (bytes > this.options.maxBytes) return this.done({ kind: 'too-large', limit: this.options.maxBytes });
      hash.update(chunk);
      try {
        this.options.onChunk(chunk);
      } catch (error) {
        this.done({ kind: 'error', message: (error as Error).message });
      }
    });
    response.on('end', () => this.done({ kind: 'done', bytes, sha256: hash.digest('hex'), url: target }));
    response.on('error', (error) => this.done({ kind: 'error', message: error.message }));
  }
}

export function httpDownload(url: string, options: DownloadOptions): Promise<DownloadResult> {
  return new Promise((resolve) => new Download(options, resolve).get(url, options.maxRedirects ?? 5));
}
