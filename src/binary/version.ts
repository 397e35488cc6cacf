// Runs `<binary> --version`: learns the engine version and, before anything is spawned, whether the
// binary can run here at all (a binary that needs a newer glibc fails this in milliseconds).
import { knownCauses } from './engine-output.js';
import { UserError } from '../errors.js';
import { runCaptured, type CapturedRun } from '../os/run-captured.js';
import { assertTrusted } from '../os/trusted-path.js';

export type VersionCheck = { readonly version: string | null; readonly warning?: string };

const VERSION_TIMEOUT_MS = 10_000;

export function parseVersion(stdout: string): string | null {
  const match = stdout.match(/(\d+\.\d+\.\d+(?:[-+][\w.]+)?)/);
  return match ? match[1]! : null;
}

/** One line on why `--version` failed, for a warning. */
function failureOf(run: CapturedRun): string {
  if (run.timedOut) return `timed out after ${VERSION_TIMEOUT_MS / 1000} s`;
  if (run.spawnErrorCode !== undefined) return run.spawnErrorMessage ?? run.spawnErrorCode;
  if (run.signal !== null) return `killed by ${run.signal}`;
  return `exit code ${run.exitCode}`;
}

/** `hostGlibc` is asked only to explain a failure: it costs a process report (≈4 ms). */
export async function checkEngineVersion(binary: string, hostGlibc: () => string | undefined): Promise<VersionCheck> {
  assertTrusted(binary, 'program'); // asking its version runs it (as "set bin" does with a new path)
  const run = await runCaptured(binary, ['--version'], VERSION_TIMEOUT_MS);
  const output = run.output;
  if (run.exitCode === 0 && !run.timedOut) {
    const version = parseVersion(output);
    return version
      ? { version }
      : {
          version: null,
          warning: `${binary} --version printed no version ("${output.trim().slice(0, 80)}"); continuing.`,
        };
  }
  const causes = knownCauses(`${output}\n${run.spawnErrorMessage ?? ''}`, { binary, hostGlibc: hostGlibc() });
  if (run.spawnErrorCode === 'EACCES') causes.push(`${binary} is not executable by you (chmod +x it).`);
  if (run.spawnErrorCode === 'ENOEXEC') causes.push(`${binary} is not a program for this machine (wrong CPU or OS).`);
  if (causes.length > 0)
    throw new UserError(causes[0]!, { code: 'binary-cannot-run', details: [`binary: ${binary}`, ...causes.slice(1)] });
  // Unknown failure of --version alone is not proof the engine cannot serve; say so and go on.
  return {
    version: null,
    warning: `${binary} --version failed (${failureOf(run)}); continuing without knowing the engine version.`,
  };
}
