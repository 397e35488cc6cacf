// The whole standalone `c8ctl-processos`, bundled to dist/src/main-processos.cjs and run by bin-processos.cjs.
import { runStandalone } from './standalone.js';

// No top-level await: this file is bundled as CommonJS (scripts/build.mjs), which Node loads sooner.
void runStandalone('processos');
