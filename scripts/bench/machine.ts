// What the numbers were measured on, stored with them.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './config.js';

export function machineFacts(engineBinary: string): Record<string, unknown> {
  let cpuModel: string | null = null;
  try {
    cpuModel = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? null;
  } catch {
    cpuModel = os.cpus()[0]?.model ?? null;
  }
  const engine = spawnSync(engineBinary, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  const git = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' });
  const dirty = spawnSync('git', ['status', '--porcelain'], { cwd: ROOT, encoding: 'utf8' });
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version?: string };
  return {
    cpuModel,
    cores: os.availableParallelism?.() ?? os.cpus().length,
    memoryGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    engine: {
      binary: engineBinary,
      version: /(\d+\.\d+\.\d+\S*)/.exec(engine.stdout ?? '')?.[1] ?? null,
      versionOutput: engine.stdout?.trim() ?? null,
    },
    plugin: pkg.version ?? null,
    git: git.status === 0 ? { commit: git.stdout.trim(), dirty: dirty.stdout.trim() !== '' } : null,
  };
}
