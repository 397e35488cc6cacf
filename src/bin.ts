#!/usr/bin/env node
// Standalone `c8ctl-nano`: exactly what `c8ctl nano` runs, with its own --json.
import { runStandalone } from './standalone.js';

// No top-level await: this file is bundled as CommonJS (scripts/build.mjs), which Node loads sooner.
void runStandalone('nano');
