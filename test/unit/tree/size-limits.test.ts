// Issue 25's limits, kept: no file under src/ over 300 lines and no function over 60 (first line to
// last, nested functions counted inside their parent too). A long function is cut along its jobs; the
// grammar and the result types, which are data, are split by subject like everything else.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
const MAX_FILE_LINES = 300;
const MAX_FUNCTION_LINES = 60;

function sources(): string[] {
  const src = readdirSync(path.join(ROOT, 'src'), { recursive: true, encoding: 'utf8' }).filter((f) =>
    f.endsWith('.ts'),
  );
  return ['c8ctl-plugin.ts', 'platforms.ts', ...src.map((f) => `src/${f.split(path.sep).join('/')}`)];
}

const isFunction = (node: ts.Node): node is ts.FunctionLikeDeclaration =>
  ts.isFunctionDeclaration(node) ||
  ts.isMethodDeclaration(node) ||
  ts.isArrowFunction(node) ||
  ts.isFunctionExpression(node) ||
  ts.isConstructorDeclaration(node) ||
  ts.isGetAccessorDeclaration(node) ||
  ts.isSetAccessorDeclaration(node);

/** `file:line name (n lines)` for every function longer than the limit. */
function longFunctions(file: string, text: string, limit = MAX_FUNCTION_LINES): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (isFunction(node)) {
      const first = source.getLineAndCharacterOfPosition(node.getStart()).line;
      const lines = source.getLineAndCharacterOfPosition(node.getEnd()).line - first + 1;
      const name =
        node.name?.getText() ?? (ts.isVariableDeclaration(node.parent) ? node.parent.name.getText() : '(anonymous)');
      if (lines > limit) found.push(`${file}:${first + 1} ${name} (${lines} lines)`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('size limits of src/', () => {
  it(`no file over ${MAX_FILE_LINES} lines`, () => {
    const long = sources()
      .map((file) => ({ file, lines: readFileSync(path.join(ROOT, file), 'utf8').split('\n').length - 1 }))
      .filter((f) => f.lines > MAX_FILE_LINES)
      .map((f) => `${f.file} (${f.lines} lines)`);
    expect(long).toEqual([]);
  });

  it(`no function over ${MAX_FUNCTION_LINES} lines`, () => {
    const long = sources().flatMap((file) => longFunctions(file, readFileSync(path.join(ROOT, file), 'utf8')));
    expect(long).toEqual([]);
  });

  it('counts a long function, nested or not, and leaves a short one alone', () => {
    const body = (n: number): string => Array.from({ length: n }, (_, i) => `  const v${i} = ${i};`).join('\n');
    const text = `function short() {\n${body(10)}\n}\nconst outer = () => {\n  function inner() {\n${body(60)}\n  }\n};\n`;
    expect(longFunctions('x.ts', text)).toEqual(['x.ts:13 outer (64 lines)', 'x.ts:14 inner (62 lines)']);
  });
});
