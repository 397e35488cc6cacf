// A stand-in ProcessOS release host on 127.0.0.1: serves manifest.json and the published binary
// (the fake ProcessOS script, tagged with its version so every version has its own checksum).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { platformIdOf } from '../../src/binary/executable-format.js';

const STAND_IN = readFileSync(path.resolve('test/fixtures/fake-processos.mjs'), 'utf8');

export interface ReleaseServer {
  readonly manifestUrl: string;
  /** Publishes `version` for this host; `sha256` and `size` override the true ones (a broken or tampered release). */
  publish(version: string, options?: { sha256?: string; size?: number }): void;
  /** How many times the binary was downloaded. */
  downloads(): number;
  close(): Promise<void>;
}

export async function startReleaseServer(): Promise<ReleaseServer> {
  let manifest = '{}';
  let binary = Buffer.alloc(0);
  let downloads = 0;
  const server = http.createServer((req, res) => {
    if (req.url === '/releases/manifest.json') {
      res.setHeader('content-type', 'application/json');
      res.end(manifest);
    } else if (req.url?.startsWith('/releases/bin/')) {
      downloads += 1;
      res.setHeader('content-type', 'application/octet-stream');
      res.end(binary);
    } else if (req.url === '/latest') {
      res.statusCode = 302; // release hosts redirect to the real file
      res.setHeader('location', '/releases/manifest.json');
      res.end();
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    manifestUrl: `http://127.0.0.1:${port}/releases/manifest.json`,
    publish(version, options = {}) {
      binary = Buffer.from(`${STAND_IN}\n// release ${version}\n`);
      const sha256 = options.sha256 ?? createHash('sha256').update(binary).digest('hex');
      // A relative url, resolved against the manifest's.
      manifest = JSON.stringify({
        version,
        platforms: {
          [platformIdOf(process)]: { url: `bin/processos-${version}`, sha256, size: options.size ?? binary.length },
        },
      });
    },
    downloads: () => downloads,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
