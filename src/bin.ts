#!/usr/bin/env node
// Standalone `c8ctl-nano`: exactly what `c8ctl nano` runs, with its own --json.
import { runNano } from './cli/main.js';
import { createStreamOutput } from './output.js';
import { pluginVersion } from './version.js';

// A reader that goes away early (`status | head -3`) is not an error of ours: stop writing, quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

const argv = process.argv.slice(2);
const terminator = argv.indexOf('--');
const json = (terminator < 0 ? argv : argv.slice(0, terminator)).includes('--json');
const code = await runNano(argv, {
  out: createStreamOutput({ mode: json ? 'json' : 'text' }),
  prog: 'c8ctl-nano',
  version: pluginVersion(),
  env: process.env,
  cwd: process.cwd(),
});
process.exitCode = code;
