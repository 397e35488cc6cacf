// What the OS says about a PID: whether it lives, whether it is stopped (SIGSTOP) or a zombie, and
// when it started. The start time is what makes a PID ours: PIDs are reused, start times are not.
import { execFileText } from './builtins.js';
import { readFileSync } from 'node:fs';

export type RunState = 'running' | 'stopped' | 'zombie';

export interface ProcessFacts {
  readonly state: RunState;
  /** Opaque, comparable only with another value from the same reader on the same machine. */
  readonly startTime: string;
}

/** Returns null when no process has this PID. */
export type ProcessReader = (pid: number) => Promise<ProcessFacts | null>;

/** Parses `/proc/<pid>/stat`. The command name sits in parentheses and may itself hold spaces or ')'. */
export function parseProcStat(text: string): ProcessFacts | null {
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  const fields = text
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  // fields[0] is field 3 (state); field 22 (starttime, clock ticks since boot) is fields[19].
  const stateChar = fields[0];
  const startTicks = fields[19];
  if (!stateChar || !startTicks || !/^\d+$/.test(startTicks)) return null;
  return { state: runStateFromCode(stateChar), startTime: `linux:${startTicks}` };
}

/** Maps a ps/proc state letter: T/t stopped, Z/X dead-but-unreaped, anything else running. */
export function runStateFromCode(code: string): RunState {
  const c = code.charAt(0);
  if (c === 'T' || c === 't') return 'stopped';
  if (c === 'Z' || c === 'X' || c === 'x') return 'zombie';
  return 'running';
}

// A synchronous read: /proc answers from memory in microseconds, while each asynchronous read costs
// a thread-pool round trip, and stop and status ask this many times.
async function readLinux(pid: number): Promise<ProcessFacts | null> {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null;
  }
}

/** macOS (and other Unixes without /proc): `ps`. lstart has one-second resolution. */
async function readWithPs(pid: number): Promise<ProcessFacts | null> {
  try {
    const { stdout } = await execFileText('ps', ['-o', 'stat=,lstart=', '-p', String(pid)], {
      env: { ...process.env, LC_ALL: 'C' },
    });
    const line = stdout.trim();
    if (line === '') return null;
    const [stat = '', ...rest] = line.split(/\s+/);
    return { state: runStateFromCode(stat), startTime: `ps:${rest.join(' ')}` };
  } catch {
    return null; // ps exits 1 when the PID does not exist
  }
}

/**
 * Windows, best effort: PowerShell gives the start time; there is no stopped state to read.
 * Slow (a PowerShell start per call) but it keeps the rule "never signal a process we cannot prove is ours".
 */
async function readWindows(pid: number): Promise<ProcessFacts | null> {
  try {
    const { stdout } = await execFileText(
      'powershell.exe',
      [
        '-NoProfile',
        '-NonInteractive',
        '-Command',
        `(Get-Process -Id ${pid} -ErrorAction Stop).StartTime.ToFileTimeUtc()`,
      ],
      { windowsHide: true },
    );
    const ticks = stdout.trim();
    return /^\d+$/.test(ticks) ? { state: 'running', startTime: `win32:${ticks}` } : null;
  } catch {
    return null;
  }
}

export function processReaderFor(platform: NodeJS.Platform): ProcessReader {
  if (platform === 'linux') return readLinux;
  if (platform === 'win32') return readWindows;
  return readWithPs;
}

export const readProcess: ProcessReader = processReaderFor(process.platform);
