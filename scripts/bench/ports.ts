// Ports: test-bound on all interfaces (where the engine binds), never reused within a run.
import { readFileSync } from 'node:fs';
import net from 'node:net';

const usedBases = new Set<number>();

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '0.0.0.0', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

function portBand(): { low: number; high: number } {
  // Below the ephemeral range when it leaves room, so outgoing connections do not take our ports.
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (low !== undefined && low - 20_000 >= 4_000) return { low: 20_000, high: low - 20 };
  } catch {
    // not Linux-like; fall through
  }
  return { low: 20_000, high: 59_980 };
}

export async function freeBase(count: number): Promise<number> {
  const { low, high } = portBand();
  const slots = Math.floor((high - low) / 20);
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const base = low + Math.floor(Math.random() * slots) * 20;
    if (usedBases.has(base)) continue;
    const checks = await Promise.all(Array.from({ length: Math.max(count, 20) }, (_, i) => portFree(base + i)));
    if (checks.every(Boolean)) {
      usedBases.add(base);
      return base;
    }
  }
  throw new Error(`No ${count} consecutive free ports found`);
}
