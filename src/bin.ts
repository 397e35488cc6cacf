#!/usr/bin/env node
// Standalone `c8ctl-nano`: exactly what `c8ctl nano` runs, with its own --json. This file stays
// small; the program is the bundle beside it, run through a code cache for the everyday commands.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cachedCommand } from './code-cache/cache-file.js';
import { runBundle } from './code-cache/run-bundle.js';

const CACHED = ['start', 'stop', 'status', 'restart', 'pause', 'resume', 'node', 'logs'];
runBundle(path.join(path.dirname(fileURLToPath(import.meta.url)), 'main-nano.cjs'), cachedCommand(process.argv.slice(2), CACHED));
