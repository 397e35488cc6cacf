// What reaches the terminal and a bug-report bundle: no terminal control from outside text, no URL
// credential, and everything else exactly as written.
import { describe, expect, it } from 'vitest';
import { createStreamOutput, safeOutput } from '../../../src/output.js';
import { redactUrl, redactUrls, safeJson, withoutControls } from '../../../src/safe-text.js';

describe('terminal controls from outside text', () => {
  it.each([
    ['clear screen', 'notes\x1b[2J\x1b[Hhere', 'noteshere'],
    ['set the window title (OSC, BEL)', 'a\x1b]0;pwned\x07b', 'ab'],
    ['OSC 8 hyperlink (ESC \\)', '\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\', 'link'],
    ['cursor moves and colours', '\x1b[1A\x1b[31mred\x1b[0m', 'red'],
    ['carriage return overwriting a line', 'safe\rEVIL', 'safeEVIL'],
    ['C1 CSI and DEL', 'a\x9b2Jb\x7f', 'a2Jb'],
    ['bidirectional override', 'abc\u202edcba', 'abcdcba'],
  ])('strips %s', (_, input, expected) => {
    expect(withoutControls(input)).toBe(expected);
  });
  it('keeps newlines, tabs and every printable character', () => {
    expect(withoutControls('✓ a\tb\nc é ⚠ ‹x›')).toBe('✓ a\tb\nc é ⚠ ‹x›');
  });
});

describe('credentials in URLs', () => {
  it.each([
    ['https://u:pw@host/m.json?token=abc', 'https://‹redacted›@host/m.json?token=‹redacted›'],
    [
      'https://host/m.json?X-Amz-Signature=f00&X-Amz-Credential=AK%2F1&v=2',
      'https://host/m.json?X-Amz-Signature=‹redacted›&X-Amz-Credential=‹redacted›&v=2',
    ],
    ['http://host/p?api_key=k&sig=s&page=3#frag', 'http://host/p?api_key=‹redacted›&sig=‹redacted›&page=3#frag'],
    ['https://host/releases/manifest.json?version=1.2', 'https://host/releases/manifest.json?version=1.2'],
    ['http://127.0.0.1:8080/v2', 'http://127.0.0.1:8080/v2'],
  ])('%s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });
  it('finds URLs inside a sentence and JSON', () => {
    expect(redactUrls('Downloading from https://me:secret@cdn.example.com/x… done')).toBe(
      'Downloading from https://‹redacted›@cdn.example.com/x… done',
    );
    expect(redactUrls('{"downloadUrl": "https://h/m?access_token=zz"}')).toBe(
      '{"downloadUrl": "https://h/m?access_token=‹redacted›"}',
    );
    expect(safeJson({ a: ['https://u:p@h/'], n: 3, b: null })).toEqual({ a: ['https://‹redacted›@h/'], n: 3, b: null });
  });
});

describe('the output every command prints through', () => {
  it('cleans lines, details and the JSON result', () => {
    const written: string[] = [];
    const sink = (isTTY: boolean) => ({ isTTY, write: (text: string) => void written.push(text) });
    const text = safeOutput(createStreamOutput({ mode: 'text', stdout: sink(false), stderr: sink(false) }));
    text.info('notes: \x1b[2Jhi from https://u:p@h/x');
    text.error('bad \x1b]0;t\x07', ['detail \x1b[31m']);
    expect(written.join('')).toBe('notes: hi from https://‹redacted›@h/x\n✗ bad \ndetail \n');
    written.length = 0;
    safeOutput(createStreamOutput({ mode: 'json', stdout: sink(false), stderr: sink(false) })).result({
      url: 'https://h/?token=t',
      notes: '\x1b[2J',
    });
    expect(JSON.parse(written.join(''))).toEqual({ url: 'https://h/?token=‹redacted›', notes: '' });
  });
});
