// Runs `<binary> --version`: learns the engine version and, before anything is spawned, whether the
// binary can run here at all (a binary that needs a newer glibc fails this in milliseconds).
import { knownCauses } from '../cluster/diagnose.js';
import { UserError } from '../errors.js';
import { assertTrusted } from '../os/trusted-path.js';

export type VersionCheck = { readonly version: string | null; readonly warning?: string };

export function parseVersion(stdout: string): string | null {
  const match = stdout.match(/(\d+\.\d+\.\d+(?:[-+][\w.]+)?)/);
  return match ? match[1]! : null;
}

export async function checkEngineVersion(binary: string, hostGlibc: string | undefined): Promise<VersionCheck> {
  assertTrusted(binary, 'program'); // asking its version runs it (as "set bin" does with a new path)
  const { execa } = await import('execa');
  const result = await execa(binary, ['--version'], { reject: false, timeout: 10_000, stdin: 'ignore', all: true, windowsHide: true });
  const output = `${result.all ?? ''}`;
  if (!result.failed) {
    const version = parseVersion(output);
    return version ? { version } : { version: null, warning: `${binary} --version printed no version ("${output.trim().slice(0, 80)}"); continuing.` };
  }
  const causes = knownCauses(`${output}\n${result.message}`, { binary, hostGlibc });
  if (result.code === 'EACCES') causes.push(`${binary} is not executable by you (chmod +x it).`);
  if (result.code === 'ENOEXEC') causes.push(`${binary} is not a program for this machine (wrong CPU or OS).`);
  if (causes.length > 0) throw new UserError(causes[0]!, { code: 'binary-cannot-run', details: [`binary: ${binary}`, ...causes.slice(1)] });
  // Unknown failure of --version alone is not proof the engine cannot serve; say so and go on.
  return { version: null, warning: `${binary} --version failed (${result.shortMessage}); continuing without knowing the engine version.` };
}
