// Runs once before the suite: makes sure the real engines the end-to-end tests need are here, and
// fails loudly (never skips) when one is missing.
import { existsSync } from 'node:fs';
import { engineBinary, ensureOldEngine } from './engines.js';

export default async function setup(): Promise<void> {
  if (!existsSync('dist/src/bin.cjs'))
    throw new Error('dist/ is missing: run "npm test" (it builds first) or "npm run build".');
  engineBinary();
  await ensureOldEngine();
}
