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
  const scanner = new JsonScanner(text);
  try {
    scanner.value();
    scanner.whitespace();
    return scanner.i < text.length ? scanner.i : null;
  } catch (error) {
    if (error instanceof JsonOffset) return error.offset;
    throw error;
  }
}

class JsonOffset {
  constructor(readonly offset: number) {}
}

/** A recursive-descent reader of JSON that only moves `i` on, and throws a JsonOffset where it goes wrong. */
class JsonScanner {
  i = 0;

  constructor(private readonly text: string) {}

  value(): void {
    this.whitespace();
    const ch = this.text[this.i];
    if (ch === undefined) return this.fail(this.i);
    if (ch === '{') return this.object();
    if (ch === '[') return this.array();
    if (ch === '"') return this.string();
    if (ch === 't') return this.literal('true');
    if (ch === 'f') return this.literal('false');
    if (ch === 'n') return this.literal('null');
    if (ch === '-' || (ch >= '0' && ch <= '9')) return this.number();
    this.fail(this.i);
  }

  whitespace(): void {
    while (this.i < this.text.length && ' \t\n\r'.includes(this.text[this.i]!)) this.i += 1;
  }

  private fail(at: number): never {
    throw new JsonOffset(at);
  }

  /** Steps over `ch` when it is the next character; whether it was. */
  private take(ch: string): boolean {
    if (this.text[this.i] !== ch) return false;
    this.i += 1;
    return true;
  }

  private object(): void {
    this.i += 1; // the opening brace
    this.whitespace();
    if (this.take('}')) return;
    for (;;) {
      this.whitespace();
      if (this.text[this.i] !== '"') this.fail(this.i);
      this.string();
      this.whitespace();
      if (!this.take(':')) this.fail(this.i);
      this.value();
      this.whitespace();
      if (this.take('}')) return;
      if (!this.take(',')) this.fail(this.i);
    }
  }

  private array(): void {
    this.i += 1; // the opening bracket
    this.whitespace();
    if (this.take(']')) return;
    for (;;) {
      this.value();
      this.whitespace();
      if (this.take(']')) return;
      if (!this.take(',')) this.fail(this.i);
    }
  }

  private string(): void {
    this.i += 1; // the opening quote
    for (;;) {
      if (this.i >= this.text.length) this.fail(this.i);
      const ch = this.text[this.i]!;
      if (ch === '"') {
        this.i += 1;
        return;
      }
      if (ch < ' ') this.fail(this.i);
      if (ch === '\\') this.escape();
      this.i += 1;
    }
  }

  /** The character after a backslash (and a \u escape's four hex digits); leaves `i` on its last one. */
  private escape(): void {
    this.i += 1;
    if (this.i >= this.text.length) this.fail(this.i);
    if (this.text[this.i] === 'u') {
      for (let k = 1; k <= 4; k += 1)
        if (!/[0-9a-fA-F]/.test(this.text[this.i + k] ?? '')) this.fail(Math.min(this.i + k, this.text.length));
      this.i += 4;
    } else if (!'"\\/bfnrt'.includes(this.text[this.i]!)) this.fail(this.i);
  }

  private digits(): number {
    const start = this.i;
    while (this.i < this.text.length && this.text[this.i]! >= '0' && this.text[this.i]! <= '9') this.i += 1;
    return this.i - start;
  }

  private number(): void {
    this.take('-');
    if (!this.take('0') && this.digits() === 0) this.fail(this.i);
    if (this.take('.') && this.digits() === 0) this.fail(this.i);
    if (this.take('e') || this.take('E')) {
      if (!this.take('+')) this.take('-');
      if (this.digits() === 0) this.fail(this.i);
    }
  }

  private literal(word: string): void {
    for (const ch of word) if (!this.take(ch)) this.fail(this.i);
  }
}
