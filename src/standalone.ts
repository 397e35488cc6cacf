// What the standalone bins share: argv, --json, output straight to the descriptors, and the exit.
import { runNano, runProcessos } from './cli/main.js';
import { EXIT } from './errors.js';
import { fdSink } from './os/stdio.js';
import { createStreamOutput } from './output.js';
import { pluginVersion } from './version.js';

export async function runStandalone(command: 'nano' | 'processos'): Promise<void> {
  // Node's process.stdout and stderr are built only if a sink has to hand over to them (os/stdio.ts).
  const stdout = fdSink(1, () => process.stdout);
  const stderr = fdSink(2, () => process.stderr);
  const argv = process.argv.slice(2);
  const terminator = argv.indexOf('--');
  const json = (terminator < 0 ? argv : argv.slice(0, terminator)).includes('--json');
  const run = command === 'nano' ? runNano : runProcessos;
  const out = createStreamOutput({ mode: json ? 'json' : 'text', stdout, stderr, gone: stdout.closed });
  process.exitCode = await run(argv, {
    out,
    prog: command === 'nano' ? 'c8ctl-nano' : 'c8ctl-processos',
    version: pluginVersion(),
    env: process.env,
    cwd: process.cwd(),
  });
  // Nothing of ours is left to do once the output is written; exiting now spares the user the wait
  // for anything still winding down in the background (a kept-alive socket, a stray timer).
  await Promise.all([stdout.flushed(), stderr.flushed()]);
  if (stdout.failure) {
    // The command itself ran; only what it printed is lost, and a script must not take it as read.
    const reason = `${stdout.failure.message.replace(/^[A-Z]+: /, '').replace(/, write$/, '')} (${stdout.failure.code})`;
    out.error(
      `The output could not be written to standard output: ${reason}. The command itself ran; send its output where there is room (another file or disk) to see it.`,
    );
    if (!process.exitCode) process.exitCode = EXIT.failure;
  }
  process.exit();
}
