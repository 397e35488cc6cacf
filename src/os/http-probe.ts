// HTTP probes with hard timeouts. A frozen engine accepts TCP connections but never answers, so
// every request carries its own deadline; "timeout" vs "refused" is itself the diagnosis.
import { Agent, request } from 'undici';

export type ProbeResult =
  | { readonly kind: 'answers'; readonly status: number; readonly body: unknown }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'refused' }
  | { readonly kind: 'error'; readonly message: string };

export interface HttpProbe {
  getJson(url: string, timeoutMs: number): Promise<ProbeResult>;
  /** Closes kept-alive connections so the CLI can exit. */
  close(): Promise<void>;
}

function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export function createHttpProbe(): HttpProbe {
  // Keep-alive: status and readiness poll the same few ports many times.
  const agent = new Agent({ keepAliveTimeout: 2_000, connections: 4, connect: { timeout: 2_000 } });

  const ask = async (url: string, timeoutMs: number, signal: AbortSignal): Promise<ProbeResult> => {
    try {
      const response = await request(url, { dispatcher: agent, signal, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
      const text = await response.body.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return { kind: 'answers', status: response.statusCode, body };
    } catch (error) {
      const code = errorCode(error);
      if (signal.aborted || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') return { kind: 'timeout' };
      if (code === 'ECONNREFUSED') return { kind: 'refused' };
      return { kind: 'error', message: code ?? (error as Error).message };
    }
  };

  return {
    getJson(url, timeoutMs) {
      // Our own deadline, raced against the request: undici 6 leaves a request that is queued behind a
      // failing connection attempt (a listener that accepts and drops connections) unsettled even when
      // its signal aborts (nodejs/undici#386, fixed in 8.x). The timer is ref'd, unlike
      // AbortSignal.timeout(), so Node stays alive until the deadline answers.
      const controller = new AbortController();
      let deadline: NodeJS.Timeout | undefined;
      const timedOut = new Promise<ProbeResult>((resolve) => {
        deadline = setTimeout(() => {
          controller.abort();
          resolve({ kind: 'timeout' });
        }, timeoutMs);
      });
      return Promise.race([ask(url, timeoutMs, controller.signal), timedOut]).finally(() => clearTimeout(deadline));
    },
    // destroy, not close, and not awaited: both wait for a request undici never settles, while
    // destroy already closes the sockets (all that could keep the process alive) at once.
    close: async () => {
      agent.destroy().catch(() => undefined);
    },
  };
}
