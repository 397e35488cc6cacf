// Every --json document the end-to-end suite reads is checked against schemas/results.schema.json, the
// schema generated from src/results/: a field written but not declared, a declared one missing or of
// another type, or a missing schemaVersion fails the test that read it, naming the field.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';

const SCHEMA_FILE = path.resolve(import.meta.dirname, '..', '..', 'schemas', 'results.schema.json');

type Family = 'nano' | 'processos';
const validators = new Map<string, ValidateFunction>();

/** `subcommand` undefined: a top-level run (`--version`, `help`), which prints only the common documents. */
function validatorFor(family: Family, subcommand: string | undefined): ValidateFunction {
  const key = `${family} ${subcommand ?? ''}`;
  const known = validators.get(key);
  if (known) return known;
  const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8'));
  const documents = schema.definitions.ResultDocuments.properties;
  const table = schema.definitions[String(documents[family]?.$ref).replace('#/definitions/', '')];
  const own = subcommand === undefined ? documents.any : table?.properties?.[subcommand];
  if (!own) throw new Error(`schemas/results.schema.json declares no documents for "${key}"`);
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile({ definitions: schema.definitions, anyOf: [own, documents.any] });
  validators.set(key, validate);
  return validate;
}

/** Throws unless `document` is one that `family subcommand --json` may print. */
export function checkResultDocument(family: Family, subcommand: string | undefined, document: unknown): void {
  const validate = validatorFor(family, subcommand);
  if (validate(document)) return;
  const errors = (validate.errors ?? [])
    .map((e) => `${e.instancePath || '/'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`)
    .slice(0, 12);
  throw new Error(
    `"${family} ${subcommand ?? ''} --json" printed a document its schema does not allow:\n  ${errors.join('\n  ')}\n${JSON.stringify(document)}`,
  );
}
