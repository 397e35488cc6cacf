// Runs a command the user was told about, on the user's terminal, and resolves with its exit code.
import { childProcess } from './builtins.js';

export interface InheritRun {
  readonly file: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** Send the child's stdout to our stderr (JSON mode keeps stdout for the one document). */
  readonly stdoutToStderr?: boolean;
}

export function runInherit(run: InheritRun): Promise<number> {
  return new Promise((resolve) => {
    const child = childProcess().spawn(run.file, [...run.args], {
      cwd: run.cwd,
      stdio: ['inherit', run.stdoutToStderr ? 2 : 'inherit', 'inherit'],
      // npm is npm.cmd on Windows, which only a shell starts.
      shell: process.platform === 'win32' && run.file === 'npm',
    });
    child.on('error', () => resolve(127));
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}
