// Adapter: run the nano command inside c8ctl, output through the host's logger and output mode.
import { runNano } from '../cli/main.js';
import { createStreamOutput, type OutputMode } from '../output.js';
import { pluginVersion } from '../version.js';

interface C8ctlRuntime {
  readonly outputMode?: OutputMode;
}

export async function runInC8ctl(args: readonly string[]): Promise<void> {
  const runtime = (globalThis as { c8ctl?: C8ctlRuntime }).c8ctl;
  const mode: OutputMode = runtime?.outputMode === 'json' || args.includes('--json') ? 'json' : 'text';
  const code = await runNano(args, { out: createStreamOutput({ mode }), prog: 'c8ctl nano', version: pluginVersion(), env: process.env, cwd: process.cwd() });
  if (code !== 0) process.exitCode = code;
}
