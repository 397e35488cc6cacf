// The YAML writer of the exports: anything a YAML reader could take for another type is quoted, and
// nesting is laid out the way kubectl and docker compose read it. (The exported files themselves are
// parsed back and schema-checked in the e2e tests.)
import { describe, expect, it } from 'vitest';
import { toYaml, toYamlStream } from '../../../src/export/yaml.js';

describe('YAML writer', () => {
  it('quotes words a YAML 1.1 reader would take for booleans or null, anything with a digit, and punctuation', () => {
    const yaml = toYaml({
      a: 'yes',
      b: 'No',
      c: 'null',
      d: '~',
      e: '8080',
      f: 'v1',
      g: 'x: y',
      h: '#x',
      i: '',
      j: 'plain-word',
      k: 'apps/v',
      l: "it's",
    });
    expect(yaml).toBe(
      [
        'a: "yes"',
        'b: "No"',
        'c: "null"',
        'd: "~"',
        'e: "8080"',
        'f: "v1"',
        'g: "x: y"',
        'h: "#x"',
        'i: ""',
        'j: plain-word',
        'k: apps/v',
        `l: "it's"`,
        '',
      ].join('\n'),
    );
  });

  it('writes numbers, booleans and null as such, drops undefined fields, and lays out nested lists and maps', () => {
    const yaml = toYaml({
      count: 3,
      t: true,
      z: null,
      skip: undefined,
      list: [1, { name: 'http', port: 8080 }, [], {}, ['q']],
      empty: {},
      none: [],
    });
    expect(yaml).toBe(
      [
        'count: 3',
        't: true',
        'z: null',
        'list:',
        '  - 1',
        '  - name: http',
        '    port: 8080',
        '  - []',
        '  - {}',
        '  - - q',
        'empty: {}',
        'none: []',
        '',
      ].join('\n'),
    );
  });

  it('escapes control characters and quotes keys that need it', () => {
    expect(toYaml({ 'app.kubernetes.io/name': 'x', 'has space': 'a\nb' })).toBe(
      'app.kubernetes.io/name: x\n"has space": "a\\nb"\n',
    );
  });

  it('separates documents of a stream with ---', () => {
    expect(toYamlStream([{ a: 'x' }, { b: 'z' }])).toBe('---\na: x\n---\nb: z\n');
    // Keys too: `y` and `n` are booleans to a YAML 1.1 reader.
    expect(toYaml({ y: 1, n: 'z' })).toBe('"y": 1\n"n": z\n');
  });
});
