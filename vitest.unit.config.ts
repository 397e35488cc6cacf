// `npm run test:unit`: the unit tests alone, with no engine package, registry or network needed (no
// global setup fetching engines). `npm test` runs them too, with everything else.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
  },
});
