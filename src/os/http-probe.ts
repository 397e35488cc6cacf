// HTTP probes with hard timeouts. A frozen engine accepts TCP connections but never answers, so
// every request carries its own deadline; "timeout" vs "refused" is itself the diagnosis.
// node:http rather than an HTTP library or global fetch: from a fresh node it is the cheapest way to
// one loopback GET by far (figures in README, "Dependencies").
import http from 'node:http';

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

/** Retry pace while a listener keeps closing connections without answering. */
const HANG_UP_RETRY_MS = 25;

/**
 * The connection was accepted and then closed before any answer: a node shutting down or booting, a
 * listener that drops connections, or a kept-alive socket the server closed just as we reused it.
 * None of these is an answer, so the probe asks again until its deadline (and then says "timeout").
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

export function createHttpProbe(): HttpProbe {
  // Keep-alive: status and readiness poll the same few ports many times. Idle sockets are unref'd by
  // the agent, so they never keep the process alive; close() destroys them anyway.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4, timeout: 2_000 });

  /** One request; `cancel` is filled in so the deadline can destroy it. */
  const attempt = (url: string, cancel: { current?: () => void }): Promise<Attempt> =>
    new Promise((resolve) => {
      const request = http.get(url, { agent, headers: { accept: 'application/json' } }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ kind: 'done', result: { kind: 'answers', status: response.statusCode ?? 0, body: parseBody(Buffer.concat(chunks).toString('utf8')) } }));
        // Cut off mid-body: as good as no answer.
        response.on('close', () => {
          if (!response.complete) resolve({ kind: 'hang-up' });
        });
        response.on('error', () => resolve({ kind: 'hang-up' }));
      });
      request.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'ECONNREFUSED') resolve({ kind: 'done', result: { kind: 'refused' } });
        else if (isHangUp(error)) resolve({ kind: 'hang-up' });
        else resolve({ kind: 'done', result: { kind: 'error', message: error.code ?? error.message } });
      });
      cancel.current = () => request.destroy();
    });

  return {
    async getJson(url, timeoutMs) {
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
          const outcome = await attempt(url, cancel);
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
    },
    close: async () => {
      agent.destroy();
    },
  };
}
