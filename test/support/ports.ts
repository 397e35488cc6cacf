// Ports for tests: a random base per call, spread by worker so parallel files do not collide, and
// checked free on all interfaces (where the engine binds).
import net from 'node:net';

function free(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '0.0.0.0', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export async function freePortRange(count: number): Promise<number> {
  const worker = Number(process.env.VITEST_POOL_ID ?? process.env.VITEST_WORKER_ID ?? 1);
  for (let attempt = 0; attempt < 50; attempt += 1) {
    // Worker w draws from its own 4000-port band in 20000-59999, in steps of 20.
    const band = 20_000 + ((worker - 1) % 10) * 4_000;
    const base = band + Math.floor(Math.random() * 199) * 20;
    const checks = await Promise.all(Array.from({ length: count }, (_, i) => free(base + i)));
    if (checks.every(Boolean)) return base;
  }
  throw new Error(`No ${count} consecutive free ports found`);
}
