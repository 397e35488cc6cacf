#!/usr/bin/env node
// Standalone `c8ctl-processos`: exactly what `c8ctl processos` runs, with its own --json.
import { runStandalone } from './standalone.js';

await runStandalone('processos');
