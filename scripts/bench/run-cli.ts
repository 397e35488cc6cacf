// Running the CLI (or any node command) as a child, timed from spawn to exit.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { envFor, runFrom } from './homes.js';
import { isAlive, registry } from './processes.js';

export interface Run {
  readonly ms: number;
  readonly code: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function runNode(args: readonly string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    const began = performance.now();
    let child: ChildProcess;
    try {
      child = spawn(process.execPath, args, { cwd: runFrom.root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      reject(error);
      return;
    }
    if (child.pid !== undefined) registry.pids.add(child.pid);
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    let exited: { ms: number; code: number | null; signal: string | null } | undefined;
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      exited = { ms: performance.now() - began, code, signal };
    });
    child.once('close', () => {
      if (child.pid !== undefined) registry.pids.delete(child.pid);
      const e = exited ?? { ms: performance.now() - began, code: child.exitCode, signal: child.signalCode };
      resolve({ ...e, stdout, stderr });
    });
  });
}

export const cli = (args: readonly string[], home: string, extraEnv: Record<string, string> = {}): Promise<Run> =>
  runNode([runFrom.bin, ...args], { ...envFor(home), ...extraEnv });

export function describeRun(run: Run): string {
  const text = `${run.stderr}\n${run.stdout}`.trim().split('\n').slice(-4).join(' | ');
  return `exit ${run.code ?? run.signal}: ${text.slice(0, 400)}`;
}

export interface StateNode {
  readonly id: number;
  readonly pid: number;
  readonly port: number;
}

export function readStateNodes(home: string): StateNode[] {
  try {
    const state = JSON.parse(readFileSync(path.join(home, 'cluster.json'), 'utf8')) as { nodes?: StateNode[] };
    return state.nodes ?? [];
  } catch {
    return [];
  }
}

export async function waitGone(pids: readonly number[], timeoutMs: number): Promise<number[]> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const alive = pids.filter(isAlive);
    if (alive.length === 0 || performance.now() > deadline) return alive;
    await sleep(10);
  }
}
