// What is at a binary path, read from a real file system: each failure of stat is told apart.
import { chmod, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileKind } from '../../../src/binary/host.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'nano-unit-filekind-'));
  await writeFile(path.join(dir, 'engine'), '#!/bin/sh\n');
  await chmod(path.join(dir, 'engine'), 0o755);
  await writeFile(path.join(dir, 'plain'), 'x');
  await symlink(path.join(dir, 'b'), path.join(dir, 'a'));
  await symlink(path.join(dir, 'a'), path.join(dir, 'b'));
  await symlink(path.join(dir, 'self'), path.join(dir, 'self'));
  await symlink(path.join(dir, 'gone'), path.join(dir, 'dangling'));
  await symlink(path.join(dir, 'engine'), path.join(dir, 'to-engine'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('fileKind', () => {
  it.each([
    ['engine', 'executable'],
    ['to-engine', 'executable'],
    ['plain', 'not-executable'],
    ['.', 'directory'],
    ['nothing-here', 'missing'],
    ['a', 'symlink-loop'],
    ['self', 'symlink-loop'],
    ['dangling', 'broken-symlink'],
    ['plain/engine', 'not-a-directory'],
  ])('%s is %s', (name, kind) => {
    expect(fileKind(path.join(dir, name))).toBe(kind);
  });
});
