// Where a JSON file goes wrong, as one line: "line L, column C" and what was expected there. JSON.parse's
// own message quotes the file's text (across lines, and cluster.json holds the cluster secret), so it is
// never passed on; only its position and its wording without quotes are used.

/** "not valid JSON at line 3, column 11 (expected ',' or '}' after property value)"; pure. */
export function describeJsonError(text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : '';
  const reported = /at position (\d+)/.exec(message);
  // V8 gives a position for most mistakes; for an unexpected token it quotes the text instead.
  const offset = reported ? Number(reported[1]) : (firstJsonErrorOffset(text) ?? text.length);
  const { line, column } = lineAndColumn(text, Math.min(offset, text.length));
  return `not valid JSON at line ${line}, column ${column} (${reasonOf(message, offset >= text.length)})`;
}

/** The parser's wording with the position and any quoted text removed. */
function reasonOf(message: string, atEnd: boolean): string {
  if (atEnd || /end of JSON input/.test(message)) return 'the file ends before the JSON is complete';
  const bare = message.replace(/\s*(in JSON )?at position \d+.*$/, '');
  if (bare === '' || bare.includes('"') || /^Unexpected token/.test(bare)) return 'unexpected character';
  return bare.charAt(0).toLowerCase() + bare.slice(1);
}

/** 1-based line and column (in characters, not UTF-16 units) of a UTF-16 offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  const line = before.split('\n').length;
  return { line, column: [...before.slice(lineStart)].length + 1 };
}

/**
 * The offset of the first character where `text` stops being JSON (RFC 8259), text.length when it ends
 * too early, or null when it is valid. Used when JSON.parse reports no position.
 */
export function firstJsonErrorOffset(text: string): number | null {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i += 1;
  };
  const fail = (at: number): never => {
    throw new JsonOffset(at);
  };
  const digits = (): number => {
    const start = i;
    while (i < text.length && text[i]! >= '0' && text[i]! <= '9') i += 1;
    return i - start;
  };
  const literal = (word: string): void => {
    for (const ch of word) {
      if (text[i] !== ch) fail(i);
      i += 1;
    }
  };
  const string = (): void => {
    i += 1; // the opening quote
    for (;;) {
      if (i >= text.length) fail(i);
      const ch = text[i]!;
      if (ch === '"') {
        i += 1;
        return;
      }
      if (ch < ' ') fail(i);
      if (ch === '\\') {
        i += 1;
        if (i >= text.length) fail(i);
        if (text[i] === 'u') {
          for (let k = 1; k <= 4; k += 1)
            if (!/[0-9a-fA-F]/.test(text[i + k] ?? '')) fail(Math.min(i + k, text.length));
          i += 4;
        } else if (!'"\\/bfnrt'.includes(text[i]!)) fail(i);
      }
      i += 1;
    }
  };
  const number = (): void => {
    if (text[i] === '-') i += 1;
    if (text[i] === '0') i += 1;
    else if (digits() === 0) fail(i);
    if (text[i] === '.') {
      i += 1;
      if (digits() === 0) fail(i);
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i += 1;
      if (text[i] === '+' || text[i] === '-') i += 1;
      if (digits() === 0) fail(i);
    }
  };
  const value = (): void => {
    ws();
    const ch = text[i];
    if (ch === undefined) return fail(i);
    if (ch === '{') {
      i += 1;
      ws();
      if (text[i] === '}') {
        i += 1;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail(i);
        string();
        ws();
        if (text[i] !== ':') fail(i);
        i += 1;
        value();
        ws();
        if (text[i] === ',') i += 1;
        else if (text[i] === '}') {
          i += 1;
          return;
        } else fail(i);
      }
    }
    if (ch === '[') {
      i += 1;
      ws();
      if (text[i] === ']') {
        i += 1;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ',') i += 1;
        else if (text[i] === ']') {
          i += 1;
          return;
        } else fail(i);
      }
    }
    if (ch === '"') return string();
    if (ch === 't') return literal('true');
    if (ch === 'f') return literal('false');
    if (ch === 'n') return literal('null');
    if (ch === '-' || (ch >= '0' && ch <= '9')) return number();
    fail(i);
  };
  try {
    value();
    ws();
    return i < text.length ? i : null;
  } catch (error) {
    if (error instanceof JsonOffset) return error.offset;
    throw error;
  }
}

class JsonOffset {
  constructor(readonly offset: number) {}
}
