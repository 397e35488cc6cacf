// Random bytes for secrets, as hex, without loading node:crypto: crypto takes about 4 ms to load (it
// pulls in every cipher, hash and key module), and `start` needs 32 random bytes on every run. The
// kernel's CSPRNG device is what OpenSSL itself is seeded from; where there is none (Windows, a bare
// chroot), crypto is loaded after all.
import { closeSync, openSync, readSync } from 'node:fs';
import { crypto } from './builtins.js';

export function randomHex(bytes: number, device = '/dev/urandom'): string {
  if (process.platform !== 'win32') {
    const fromDevice = readDevice(device, bytes);
    if (fromDevice) return fromDevice.toString('hex');
  }
  return crypto().randomBytes(bytes).toString('hex');
}

function readDevice(device: string, bytes: number): Buffer | null {
  let fd: number | undefined;
  try {
    fd = openSync(device, 'r');
    const buffer = Buffer.alloc(bytes);
    let filled = 0;
    while (filled < bytes) {
      const read = readSync(fd, buffer, filled, bytes - filled, null);
      if (read === 0) return null; // not a random device: a short regular file, say
      filled += read;
    }
    return buffer;
  } catch {
    return null;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
