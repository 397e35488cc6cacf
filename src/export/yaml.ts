// A small, deterministic YAML writer for the exported manifests: plain data only (objects, arrays,
// strings, numbers, booleans, null). Strings that YAML could read as anything else are quoted with
// JSON's syntax, which YAML accepts as a double-quoted scalar. Same input, same bytes: users diff it.

type Data = string | number | boolean | null | readonly Data[] | { readonly [key: string]: Data | undefined };

// Words YAML 1.1 readers (kubectl's included) take for booleans or null.
const RESERVED = /^(true|false|yes|no|on|off|y|n|null|~)$/i;

function scalar(value: string | number | boolean | null): string {
  if (value === null) return 'null';
  if (typeof value !== 'string') return String(value);
  // Plain only for words without digits: a string with digits could read as a number, a time or a
  // version, and a value such as the secret then prints the same way whatever its first character.
  const plain = /^[A-Za-z_/][A-Za-z_./-]*$/.test(value) && !RESERVED.test(value);
  return plain ? value : JSON.stringify(value);
}

function isScalar(value: Data): value is string | number | boolean | null {
  return value === null || typeof value !== 'object';
}

function entries(value: { readonly [key: string]: Data | undefined }): [string, Data][] {
  return Object.entries(value).filter((entry): entry is [string, Data] => entry[1] !== undefined);
}

function lines(value: Data, indent: string): string[] {
  if (isScalar(value)) return [`${indent}${scalar(value)}`];
  if (Array.isArray(value)) {
    if (value.length === 0) return [`${indent}[]`];
    return value.flatMap((item: Data) => {
      if (isScalar(item) || isEmpty(item)) return [`${indent}- ${inline(item)}`];
      // The item's first line goes after the dash; the rest line up under it.
      const [first, ...rest] = lines(item, `${indent}  `);
      return [`${indent}- ${first!.slice(indent.length + 2)}`, ...rest];
    });
  }
  const fields = entries(value as Record<string, Data>);
  if (fields.length === 0) return [`${indent}{}`];
  return fields.flatMap(([key, item]) => {
    if (isScalar(item) || isEmpty(item)) return [`${indent}${scalar(key)}: ${inline(item)}`];
    return [`${indent}${scalar(key)}:`, ...lines(item, `${indent}  `)];
  });
}

function isEmpty(value: Data): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    (Array.isArray(value) ? value.length === 0 : entries(value as Record<string, Data>).length === 0)
  );
}

function inline(value: Data): string {
  if (isScalar(value)) return scalar(value);
  return Array.isArray(value) ? '[]' : '{}';
}

/** One YAML document. */
export function toYaml(value: unknown): string {
  return `${lines(value as Data, '').join('\n')}\n`;
}

/** Several documents in one stream, separated by `---`. */
export function toYamlStream(documents: readonly unknown[]): string {
  return documents.map((document) => `---\n${toYaml(document)}`).join('');
}
