// schemas/results.schema.json is what scripts validate our --json documents against, and what the
// end-to-end suite checks every document it reads with (test/support/result-schema.ts). It is generated
// from src/results/: a type changed without `npm run schemas` fails here, so the file never drifts.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderResultDocs } from '../../../scripts/result-docs.js';
import { RESULT_DOCS_FILE, RESULT_SCHEMA_FILE, resultSchemaText } from '../../../scripts/result-schemas.js';
import { checkResultDocument } from '../../support/result-schema.js';

describe('the --json schema', () => {
  it('is what the types in src/results/ generate, and so is docs/json-output.md (run "npm run schemas")', () => {
    const schema = resultSchemaText();
    expect(readFileSync(RESULT_SCHEMA_FILE, 'utf8')).toBe(schema);
    expect(readFileSync(RESULT_DOCS_FILE, 'utf8')).toBe(renderResultDocs(JSON.parse(schema)));
  }, 30_000);

  it('bites: a document without schemaVersion, or with a field nobody declared, is refused', () => {
    const error = { schemaVersion: 1, ok: false, error: { code: 'invalid-argument', message: 'x', details: [] } };
    expect(() => checkResultDocument('nano', undefined, error)).not.toThrow();
    const { schemaVersion: _, ...unversioned } = error;
    expect(() => checkResultDocument('nano', undefined, unversioned)).toThrow(/schemaVersion/);
    expect(() => checkResultDocument('nano', undefined, { ...error, extra: true })).toThrow(/additional/);
    expect(() => checkResultDocument('nano', undefined, { ...error, schemaVersion: 2 })).toThrow(/schemaVersion/);
  });
});
