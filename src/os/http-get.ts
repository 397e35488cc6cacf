// One GET over http or https with a hard deadline, for the registry query of `update --check`.
// The outcome names the cause (timeout, refused, DNS) because "offline" alone tells nobody what to fix.
import { clientFor, networkFailure } from './http-client.js';
import { PACKAGE_NAME } from '../package-name.js';

export type GetResult =
  | { readonly kind: 'answers'; readonly status: number; readonly text: string }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'refused' }
  | { readonly kind: 'dns'; readonly host: string }
  | { readonly kind: 'error'; readonly message: string };

const MAX_BODY = 32 * 1024 * 1024;

export function httpGet(
  url: string,
  options: { timeoutMs: number; headers?: Record<string, string> },
): Promise<GetResult> {
  return new Promise((resolve) => {
    let settled = false;
    // Declared before `done` can run: a URL refused before the request exists settles at once.
    let deadline: NodeJS.Timeout | undefined;
    const done = (result: GetResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      resolve(result);
    };
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return done({ kind: 'error', message: `not a URL: ${url}` });
    }
    const client = clientFor(parsed);
    if (!client) return done({ kind: 'error', message: `unsupported protocol ${parsed.protocol}` });
    // One deadline for the whole exchange: connect, headers and body (a listener that never answers).
    deadline = setTimeout(() => {
      done({ kind: 'timeout' });
      request.destroy();
    }, options.timeoutMs);
    const request = client.get(
      parsed,
      { headers: { 'user-agent': PACKAGE_NAME, ...options.headers }, agent: false },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BODY) {
            done({ kind: 'error', message: 'answer too large' });
            request.destroy();
          } else chunks.push(chunk);
        });
        response.on('end', () =>
          done({ kind: 'answers', status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        response.on('error', (error) => done({ kind: 'error', message: error.message }));
      },
    );
    request.on('error', (error: NodeJS.ErrnoException) => done(networkFailure(error, parsed)));
  });
}
