// The whole standalone `c8ctl-nano`, bundled to dist/src/main-nano.cjs and run by bin.cjs.
import { runStandalone } from './standalone.js';

// No top-level await: this file is bundled as CommonJS (scripts/build.mjs), which Node loads sooner.
void runStandalone('nano');
