import { describe, expect, it } from 'vitest';
import { cachedCommand, cachedDataOf, cacheFileContents, cacheHeader } from '../../../src/code-cache/cache-file.js';

const bundle = { size: 334_600, mtimeMs: 1796184216120.68, ino: 5309590 };

describe('the code cache file', () => {
  it('gives back the data it was written with, for the same Node, CPU and bundle', () => {
    const header = cacheHeader('v20.20.2', 'x64', bundle);
    const data = Buffer.from([0, 10, 255, 10, 7]); // newlines inside the data are data
    expect(cachedDataOf(cacheFileContents(header, data), header)).toEqual(data);
  });

  it('gives nothing for another Node, another CPU or a rebuilt bundle', () => {
    const file = cacheFileContents(cacheHeader('v20.20.2', 'x64', bundle), Buffer.from('data'));
    for (const header of [
      cacheHeader('v22.18.0', 'x64', bundle),
      cacheHeader('v20.20.2', 'arm64', bundle),
      cacheHeader('v20.20.2', 'x64', { ...bundle, mtimeMs: bundle.mtimeMs + 1 }),
      cacheHeader('v20.20.2', 'x64', { ...bundle, size: bundle.size + 1 }),
      cacheHeader('v20.20.2', 'x64', { ...bundle, ino: bundle.ino + 1 }),
    ]) {
      expect(cachedDataOf(file, header)).toBeNull();
    }
  });

  it('gives nothing for a file without a header line or without data', () => {
    const header = cacheHeader('v20.20.2', 'x64', bundle);
    expect(cachedDataOf(Buffer.from(header), header)).toBeNull();
    expect(cachedDataOf(Buffer.from(`${header}\n`), header)).toBeNull();
    expect(cachedDataOf(Buffer.alloc(0), header)).toBeNull();
  });
});

describe('which run keeps a cache', () => {
  const commands = ['start', 'stop', 'status'];
  it('the first word that is not a flag, when it is one of the commands given', () => {
    expect(cachedCommand(['status'], commands)).toBe('status');
    expect(cachedCommand(['--json', 'stop', '--purge'], commands)).toBe('stop');
    expect(cachedCommand(['start', '3'], commands)).toBe('start');
  });

  it('none for other commands, typos, help and version', () => {
    for (const argv of [['export', 'compose'], ['stat'], ['--version'], ['--help'], [], ['../../etc/passwd']]) {
      expect(cachedCommand(argv, commands)).toBeNull();
    }
  });
});
