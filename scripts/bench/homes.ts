// Where the CLI runs from (a private copy of the build) and the temporary homes it runs in.
import { copyFileSync, cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MARKER, MARKER_VALUE, ROOT } from './config.js';
import { registry } from './processes.js';

/**
 * Set by snapshotBuild(): the private copy the CLI runs from, its bin and its plugin entry. A
 * concurrent `npm run build`, which deletes dist/, then cannot break a run half-way.
 */
export const runFrom = {
  root: ROOT,
  bin: path.join(ROOT, 'dist', 'src', 'bin.cjs'),
  entry: path.join(ROOT, 'c8ctl-plugin.js'),
};

export function snapshotBuild(): void {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'c8ctl-nano-bench-build-'));
  registry.homes.add(dir);
  cpSync(path.join(ROOT, 'dist'), path.join(dir, 'dist'), { recursive: true });
  for (const file of ['package.json', 'binary-manifest.json', 'c8ctl-plugin.js'])
    copyFileSync(path.join(ROOT, file), path.join(dir, file));
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  runFrom.root = dir;
  runFrom.bin = path.join(dir, 'dist', 'src', 'bin.cjs');
  runFrom.entry = path.join(dir, 'c8ctl-plugin.js');
}

export function newHome(): string {
  const home = mkdtempSync(path.join(os.tmpdir(), 'c8ctl-nano-bench-'));
  registry.homes.add(home);
  return home;
}

export function dropHome(home: string): void {
  rmSync(home, { recursive: true, force: true });
  registry.homes.delete(home);
}

export function envFor(home: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  env[MARKER] = MARKER_VALUE;
  env.C8CTL_NANO_HOME = home;
  return env;
}
