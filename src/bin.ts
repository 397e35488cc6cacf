#!/usr/bin/env node
// Standalone `c8ctl-nano`: exactly what `c8ctl nano` runs, with its own --json.
import { runStandalone } from './standalone.js';

await runStandalone('nano');
