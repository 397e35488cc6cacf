// A corrupt JSON file is described by its position, on one line, without quoting its text.
import { describe, expect, it } from 'vitest';
import { describeJsonError, firstJsonErrorOffset, lineAndColumn } from '../../../src/state/json-error.js';

const parseError = (text: string): unknown => {
  try {
    JSON.parse(text);
  } catch (error) {
    return error;
  }
  throw new Error(`${JSON.stringify(text)} parsed`);
};
const describe1 = (text: string): string => describeJsonError(text, parseError(text));

describe('describeJsonError', () => {
  it.each([
    // V8 reports a position for these
    ['{\n  "a": 1,\n  "b" 2\n}', 'not valid JSON at line 3, column 7 (unexpected number)'],
    ['{"a" 1}', "not valid JSON at line 1, column 6 (expected ':' after property name)"],
    ['{"a":1}}', 'not valid JSON at line 1, column 8 (unexpected non-whitespace character after JSON)'],
    ['{"a":', 'not valid JSON at line 1, column 6 (the file ends before the JSON is complete)'],
    ['{"a":"x', 'not valid JSON at line 1, column 8 (the file ends before the JSON is complete)'],
    // V8 quotes the text instead of a position for these: the position is found by our scanner
    ['{\n "k": "v",\n "secret": hunter2\n}', 'not valid JSON at line 3, column 12 (unexpected character)'],
    ['[1,,2]', 'not valid JSON at line 1, column 4 (unexpected character)'],
    ['{"a":[1,{"b":tru}]}', 'not valid JSON at line 1, column 17 (unexpected character)'],
    // columns count characters, not UTF-16 units
    ['{"é😀": x}', 'not valid JSON at line 1, column 8 (unexpected character)'],
    ['{\r\n"a": x}', 'not valid JSON at line 2, column 6 (unexpected character)'],
  ])('%j → %s', (text, expected) => {
    expect(describe1(text)).toBe(expected);
  });

  it('never repeats the text, and stays on one line', () => {
    const secret = 'c0ffee-secret-9f1e';
    for (const text of [
      `{"secret": ${secret}}`,
      `{"secret": "${secret}"\n"x": 1}`,
      `{"secret":"${secret}",}`,
      `["${secret}" "${secret}"]`,
      `${secret}`,
    ]) {
      const line = describe1(text);
      expect(line).not.toContain(secret.slice(0, 4));
      expect(line).not.toContain('\n');
      expect(line).toMatch(/^not valid JSON at line \d+, column \d+ \([^"]+\)$/);
    }
  });
});

describe('firstJsonErrorOffset', () => {
  it('is null for valid JSON', () => {
    for (const text of ['{}', '[]', ' {"a": [1, -2.5e+3, true, false, null, "\\u00e9\\n"]} ', '0', '"x"', '-0.0E-0'])
      expect(firstJsonErrorOffset(text), text).toBeNull();
  });

  // Wherever V8 does report a position, ours must be the same one: checked on every single-character
  // mutation of a realistic state file.
  it('agrees with the position JSON.parse reports, on every one-character mutation of a state file', () => {
    const base = JSON.stringify(
      {
        schema: 1,
        nodes: [{ id: 0, port: 8080, pid: 123, env: { NANOBPMN_CLUSTER_SECRET: 'abc\u00e9' } }],
        rf: -1.5e3,
        raft: true,
        capture: false,
        x: null,
      },
      null,
      2,
    );
    let compared = 0;
    for (let at = 0; at < base.length; at += 1) {
      for (const ch of ['x', ',', '"', '}', ']', ':', ' ', '0', '-', '.', 'e', '\\', '\u0001', '']) {
        const text = base.slice(0, at) + ch + base.slice(at + 1);
        let message: string;
        try {
          JSON.parse(text);
          expect(firstJsonErrorOffset(text), JSON.stringify(text)).toBeNull();
          continue;
        } catch (error) {
          message = (error as Error).message;
        }
        const reported = /at position (\d+)/.exec(message);
        const ours = firstJsonErrorOffset(text);
        if (reported) {
          expect(ours, `${JSON.stringify(text)}: ${message}`).toBe(Number(reported[1]));
          compared += 1;
        } else if (/end of JSON input/.test(message)) {
          expect(ours, JSON.stringify(text)).toBe(text.length);
        } else {
          expect(ours, JSON.stringify(text)).not.toBeNull();
        }
      }
    }
    expect(compared).toBeGreaterThan(500);
  });
});

describe('lineAndColumn', () => {
  it('is 1-based', () => {
    expect(lineAndColumn('ab\ncd', 0)).toEqual({ line: 1, column: 1 });
    expect(lineAndColumn('ab\ncd', 3)).toEqual({ line: 2, column: 1 });
    expect(lineAndColumn('ab\ncd', 5)).toEqual({ line: 2, column: 3 });
  });
});
