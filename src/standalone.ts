// What the standalone bins share: argv, --json, a quiet exit when the reader of our output goes away.
import { runNano, runProcessos } from './cli/main.js';
import { createStreamOutput } from './output.js';
import { pluginVersion } from './version.js';

export async function runStandalone(command: 'nano' | 'processos'): Promise<void> {
  // A reader that goes away early (`status | head -3`) is not an error of ours: stop writing, quietly.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
    });
  }
  const argv = process.argv.slice(2);
  const terminator = argv.indexOf('--');
  const json = (terminator < 0 ? argv : argv.slice(0, terminator)).includes('--json');
  const run = command === 'nano' ? runNano : runProcessos;
  process.exitCode = await run(argv, {
    out: createStreamOutput({ mode: json ? 'json' : 'text' }),
    prog: command === 'nano' ? 'c8ctl-nano' : 'c8ctl-processos',
    version: pluginVersion(),
    env: process.env,
    cwd: process.cwd(),
  });
  // Nothing of ours is left to do once the output is written; exiting now spares the user the wait
  // for anything still winding down in the background (a kept-alive socket, a stray timer).
  // (Writes to pipes are asynchronous on some systems, so wait until both streams have flushed.)
  for (const stream of [process.stdout, process.stderr]) {
    while (stream.writableLength > 0) await new Promise((resolve) => setTimeout(resolve, 1));
  }
  process.exit();
}
