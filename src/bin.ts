#!/usr/bin/env node
// Standalone `c8ctl-nano`: exactly what `c8ctl nano` runs, with its own --json. This file stays
// small; the program is the bundle beside it, run through a code cache for the everyday commands.
import { runProgramBeside } from './code-cache/run-bundle.js';

runProgramBeside(import.meta.url, 'main-nano.cjs', [
  'start',
  'stop',
  'status',
  'restart',
  'pause',
  'resume',
  'node',
  'logs',
]);
