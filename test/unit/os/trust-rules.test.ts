import { describe, expect, it } from 'vitest';
import { pathProblem, shellQuote, type PathFacts } from '../../../src/os/trust-rules.js';

const ME = 1000;
const OTHER = 65534;
const file = (uid: number, mode: number): PathFacts => ({ uid, mode, isDir: false });
const dir = (uid: number, mode: number): PathFacts => ({ uid, mode, isDir: true });
const judge = (facts: PathFacts, role: 'content' | 'above' = 'content', me = ME) =>
  pathProblem('/h/config.json', facts, role, me, me === 0 ? 'root' : 'alice');

describe('pathProblem', () => {
  it('trusts what we own and only we can write', () => {
    expect(judge(file(ME, 0o600))).toBeNull();
    expect(judge(file(ME, 0o644))).toBeNull(); // readable by others is not a trust problem
    expect(judge(dir(ME, 0o700))).toBeNull();
    expect(judge(dir(ME, 0o755), 'above')).toBeNull();
  });

  it("trusts root's files, for root and for everyone else", () => {
    expect(judge(file(0, 0o644))).toBeNull();
    expect(judge(file(0, 0o600), 'content', 0)).toBeNull();
    expect(judge(dir(0, 0o755), 'above')).toBeNull();
  });

  it("refuses another user's file and says how to take it back", () => {
    expect(judge(file(OTHER, 0o600))).toEqual({
      problem: 'is owned by uid 65534, not you (uid 1000) or root',
      fix: "sudo chown alice '/h/config.json'",
    });
  });

  it("refuses another user's file even for root, which needs no sudo", () => {
    expect(judge(file(OTHER, 0o600), 'content', 0)).toEqual({
      problem: 'is owned by uid 65534, not you (uid 0) or root',
      fix: "chown root '/h/config.json'",
    });
  });

  it('refuses group and other write bits, naming who can write', () => {
    expect(judge(file(ME, 0o620))).toEqual({
      problem: 'is writable by group (mode 0620)',
      fix: "chmod go-w '/h/config.json'",
    });
    expect(judge(file(ME, 0o602))?.problem).toBe('is writable by others (mode 0602)');
    expect(judge(file(0, 0o666))?.problem).toBe('is writable by group and others (mode 0666)');
    expect(judge(dir(ME, 0o777))?.problem).toBe('is writable by group and others (mode 0777)');
  });

  it('names both problems and both fixes at once', () => {
    expect(judge(file(OTHER, 0o666), 'content', 0)).toEqual({
      problem: 'is owned by uid 65534, not you (uid 0) or root and is writable by group and others (mode 0666)',
      fix: "chown root '/h/config.json' && chmod go-w '/h/config.json'",
    });
  });

  it('accepts a sticky directory above what we use (/tmp), not as the directory we use', () => {
    expect(judge(dir(0, 0o1777), 'above')).toBeNull();
    expect(judge(dir(ME, 0o1770), 'above')).toBeNull();
    // The home itself: others could plant a file we have not created yet.
    expect(judge(dir(0, 0o1777), 'content')?.problem).toBe('is writable by group and others (mode 1777)');
  });

  it('refuses a writable directory above without the sticky bit: others could rename it', () => {
    expect(judge(dir(ME, 0o777), 'above')).toEqual({
      problem: 'is writable by group and others without the sticky bit (mode 0777)',
      fix: "chmod go-w '/h/config.json'",
    });
    expect(judge(dir(0, 0o775), 'above')?.problem).toBe('is writable by group without the sticky bit (mode 0775)');
  });

  it('refuses a sticky directory another user owns: the owner may delete anything in it', () => {
    expect(judge(dir(OTHER, 0o1777), 'above')?.problem).toBe('is owned by uid 65534, not you (uid 1000) or root');
  });

  it('ignores the sticky bit on a file', () => {
    expect(judge(file(ME, 0o1666), 'above')?.problem).toBe('is writable by group and others (mode 1666)');
  });
});

describe('shellQuote', () => {
  it('quotes spaces, non-ASCII letters and single quotes for pasting', () => {
    expect(shellQuote('/tmp/nano é/x')).toBe("'/tmp/nano é/x'");
    expect(shellQuote("/tmp/it's")).toBe(`'/tmp/it'\\''s'`);
  });
});
