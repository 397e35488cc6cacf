#!/usr/bin/env node
// Standalone `c8ctl-processos`: exactly what `c8ctl processos` runs, with its own --json. This file
// stays small; the program is the bundle beside it, run through a code cache for the everyday commands.
import { runProgramBeside } from './code-cache/run-bundle.js';

runProgramBeside(import.meta.url, 'main-processos.cjs', ['start', 'stop', 'status', 'restart', 'logs']);
