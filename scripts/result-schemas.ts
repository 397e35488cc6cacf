// The JSON Schema of every `--json` document, generated from the TypeScript types in src/results/ (the
// same types the commands write through). `npm run schemas` writes schemas/results.schema.json, which the
// package ships for scripts to validate against, and docs/json-output.md rendered from it; a unit test
// fails when the types and those files differ, and the end-to-end suite validates every document it
// reads against the schema.
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGenerator } from 'ts-json-schema-generator';
import { ERROR_CODES } from '../src/errors.js';
import { renderResultDocs } from './result-docs.js';

// Run compiled (dist/scripts) or from source (the unit test): the root is the nearest package.json up.
const ROOT = packageRoot(path.dirname(fileURLToPath(import.meta.url)));

function packageRoot(from: string): string {
  return existsSync(path.join(from, 'package.json')) ? from : packageRoot(path.dirname(from));
}
export const RESULT_SCHEMA_FILE = path.join(ROOT, 'schemas', 'results.schema.json');
export const RESULT_DOCS_FILE = path.join(ROOT, 'docs', 'json-output.md');

/** The schema as text, exactly as the committed file should read. */
export function resultSchemaText(root = ROOT): string {
  const schema = createGenerator({
    path: path.join(root, 'src', 'results', 'index.ts'),
    tsconfig: path.join(root, 'tsconfig.json'),
    type: 'ResultDocuments',
    // Only the documents' own files are read: faster, and nothing else can leak into the contract.
    skipTypeCheck: true,
    additionalProperties: false,
    sortProps: true,
    expose: 'export',
    jsDoc: 'extended',
  }).createSchema('ResultDocuments');
  // The generator cannot read a type derived from a constant array: the codes are listed from it here.
  schema.definitions = {
    ...schema.definitions,
    ErrorCode: {
      description: 'Why a command failed (src/errors.ts); `fs-<errno>` names a file operation the system refused.',
      anyOf: [
        { type: 'string', enum: [...ERROR_CODES] },
        { type: 'string', pattern: '^fs-[a-z0-9]+$' },
      ],
    },
  };
  return `${JSON.stringify({ ...schema, $id: 'https://nanobpm.io/c8ctl-plugin-nano/results.schema.json' }, null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const text = resultSchemaText();
  writeFileSync(RESULT_SCHEMA_FILE, text);
  writeFileSync(RESULT_DOCS_FILE, renderResultDocs(JSON.parse(text)));
  console.log(
    `Wrote ${path.relative(process.cwd(), RESULT_SCHEMA_FILE)} and ${path.relative(process.cwd(), RESULT_DOCS_FILE)}`,
  );
}
