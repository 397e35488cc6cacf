// The pure parts of "processos set download-url": the manifest, the platform pick, the fetch decision,
// the URL check, and which source wins.
import { describe, expect, it } from 'vitest';
import { httpUrlProblem, ManifestError, needsFetch, parseRelease } from '../../../src/processos/download-manifest.js';
import { downloadSource } from '../../../src/processos/download.js';
import { hasExplicitProcessos } from '../../../src/processos/resolve.js';

const SHA = 'ab'.repeat(32);
const MANIFEST_URL = 'https://releases.example.com/processos/latest/manifest.json';
const manifest = (value: unknown): string => JSON.stringify(value);
const good = {
  version: '1.2.0',
  platforms: {
    'linux-x64': { url: 'processos-linux-x64', sha256: SHA.toUpperCase(), size: 123 },
    'darwin-arm64': { url: 'https://cdn.example.com/pos-mac', sha256: SHA },
  },
};

describe('parseRelease', () => {
  it('picks this platform, resolves a relative url against the manifest and lower-cases the checksum', () => {
    expect(parseRelease(manifest(good), MANIFEST_URL, 'linux-x64')).toEqual({
      version: '1.2.0',
      platform: 'linux-x64',
      url: 'https://releases.example.com/processos/latest/processos-linux-x64',
      sha256: SHA,
      size: 123,
    });
    expect(parseRelease(manifest(good), MANIFEST_URL, 'darwin-arm64')).toEqual({
      version: '1.2.0',
      platform: 'darwin-arm64',
      url: 'https://cdn.example.com/pos-mac',
      sha256: SHA,
    });
  });

  it('names the platforms offered when this one has no build', () => {
    expect(() => parseRelease(manifest(good), MANIFEST_URL, 'win32-x64')).toThrow(
      'version 1.2.0 has no build for win32-x64 (it offers linux-x64, darwin-arm64)',
    );
  });

  it.each([
    ['not JSON', 'oops', 'not JSON'],
    ['an array', '[]', 'not a JSON object'],
    ['no version', manifest({ platforms: {} }), '"version" must be a version string'],
    ['a version that is a path', manifest({ ...good, version: '../../etc' }), '"version" must be a version string'],
    ['no platforms', manifest({ version: '1' }), '"platforms" must be an object'],
    ['no url', manifest({ version: '1', platforms: { 'linux-x64': { sha256: SHA } } }), 'has no "url"'],
    [
      'a short checksum',
      manifest({ version: '1', platforms: { 'linux-x64': { url: 'x', sha256: 'abc' } } }),
      '"sha256" must be 64 hex digits',
    ],
    [
      'a bad size',
      manifest({ version: '1', platforms: { 'linux-x64': { url: 'x', sha256: SHA, size: -1 } } }),
      '"size" must be a positive whole number',
    ],
    [
      'a file: url',
      manifest({ version: '1', platforms: { 'linux-x64': { url: 'file:///bin/sh', sha256: SHA } } }),
      'must be an http:// or https:// URL',
    ],
  ])('refuses %s in words', (_label, text, message) => {
    expect(() => parseRelease(text, MANIFEST_URL, 'linux-x64')).toThrow(ManifestError);
    expect(() => parseRelease(text, MANIFEST_URL, 'linux-x64')).toThrow(message);
  });
});

describe('needsFetch', () => {
  const published = parseRelease(manifest(good), MANIFEST_URL, 'linux-x64');
  it('fetches when nothing is installed, another version is published, or the same version with another checksum', () => {
    expect(needsFetch(undefined, published)).toBe(true);
    expect(needsFetch({ version: '1.1.0', sha256: SHA }, published)).toBe(true);
    expect(needsFetch({ version: '1.2.0', sha256: 'cd'.repeat(32) }, published)).toBe(true);
  });
  it('keeps the installed copy when it is the published one', () => {
    expect(needsFetch({ version: '1.2.0', sha256: SHA }, published)).toBe(false);
  });
});

describe('httpUrlProblem', () => {
  it('accepts http and https only', () => {
    expect(httpUrlProblem('http://127.0.0.1:9/m.json')).toBeNull();
    expect(httpUrlProblem('https://example.com/m.json')).toBeNull();
    expect(httpUrlProblem('ftp://example.com/m.json')).toBe('must be an http:// or https:// URL, not ftp:');
    expect(httpUrlProblem('example.com/m.json')).toBe('is not a URL');
  });
});

describe('which source wins', () => {
  it('the setting beats PROCESSOS_DOWNLOAD_URL; an empty variable is no URL', () => {
    expect(downloadSource({ downloadUrl: 'https://a/m.json' }, { PROCESSOS_DOWNLOAD_URL: 'https://b/m.json' })).toEqual(
      { url: 'https://a/m.json', from: 'set download-url' },
    );
    expect(downloadSource({}, { PROCESSOS_DOWNLOAD_URL: 'https://b/m.json' })).toEqual({
      url: 'https://b/m.json',
      from: 'PROCESSOS_DOWNLOAD_URL',
    });
    expect(downloadSource({}, { PROCESSOS_DOWNLOAD_URL: ' ' })).toBeUndefined();
  });
  it('any binary path (--binary, set bin, PROCESSOS_BINARY) beats a download URL', () => {
    expect(hasExplicitProcessos({ flag: 'p', env: {} })).toBe(true);
    expect(hasExplicitProcessos({ configured: 'p', env: {} })).toBe(true);
    expect(hasExplicitProcessos({ env: { PROCESSOS_BINARY: 'p' } })).toBe(true);
    expect(hasExplicitProcessos({ env: { PROCESSOS_BINARY: '' } })).toBe(false);
  });
});
