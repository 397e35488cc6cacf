// The machine-readable error codes are a contract with scripts (issue 25): one typed list in
// src/errors.ts, and the README lists exactly those.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../../src/errors.js';

describe('the error codes scripts match on', () => {
  it('are the ones the README lists, every one of them', () => {
    const readme = readFileSync('README.md', 'utf8');
    const listed =
      /Scripts may match on `code`, one of \([^)]*\): ([\s\S]*?), and `fs-<errno>`/.exec(readme)?.[1] ?? '';
    const names = [...listed.matchAll(/`([a-z-]+)`/g)].map((m) => m[1]);
    expect(names.length).toBeGreaterThan(10);
    expect(names.sort()).toEqual([...ERROR_CODES].sort());
  });
});
