// What http-get.ts and http-download.ts share: the client for a URL's scheme, and a failed request's
// cause in the words the user needs (refused, DNS, or the error's code).
import http from 'node:http';
import type https from 'node:https';
import { https as httpsModule } from './builtins.js';

export type NetworkFailure =
  | { readonly kind: 'refused' }
  | { readonly kind: 'dns'; readonly host: string }
  | { readonly kind: 'error'; readonly message: string };

/** The client for http: and https: URLs; undefined for any other scheme. */
export function clientFor(url: URL): typeof http | typeof https | undefined {
  return url.protocol === 'https:' ? httpsModule() : url.protocol === 'http:' ? http : undefined;
}

export function networkFailure(error: NodeJS.ErrnoException, url: URL): NetworkFailure {
  if (error.code === 'ECONNREFUSED') return { kind: 'refused' };
  if (error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN') return { kind: 'dns', host: url.hostname };
  return { kind: 'error', message: error.code ?? error.message };
}
