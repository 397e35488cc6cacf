// What kind of executable a file is, from its first bytes. Pure. Used to check release assets
// before they are packed (a Linux arm64 binary in the linux-x64 package must never ship), and every
// engine or ProcessOS binary before it is run (one for another CPU or OS is refused, not run).
import type { Platform } from '../../platforms.js';

export type ExecutableInfo =
  | {
      readonly format: 'elf' | 'macho' | 'pe';
      readonly os: 'linux' | 'darwin' | 'win32';
      readonly cpus: readonly string[];
    }
  | { readonly format: 'unknown' };

const ELF_MACHINE: Readonly<Record<number, string>> = { 0x3e: 'x64', 0xb7: 'arm64', 0x03: 'ia32', 0x28: 'arm' };
const MACHO_CPU: Readonly<Record<number, string>> = {
  0x01000007: 'x64',
  0x0100000c: 'arm64',
  0x07: 'ia32',
  0x0c: 'arm',
};
const PE_MACHINE: Readonly<Record<number, string>> = { 0x8664: 'x64', 0xaa64: 'arm64', 0x014c: 'ia32' };

const cpuName = (table: Readonly<Record<number, string>>, code: number): string =>
  table[code] ?? `unknown (0x${code.toString(16)})`;

/** Needs the first few KiB of the file (PE headers sit behind an offset in the DOS header). */
export function inspectExecutable(head: Buffer): ExecutableInfo {
  if (head.length >= 20 && head.readUInt32BE(0) === 0x7f454c46) {
    // e_machine, little-endian on every platform we ship (EI_DATA = 1).
    const littleEndian = head[5] === 1;
    const machine = littleEndian ? head.readUInt16LE(18) : head.readUInt16BE(18);
    return { format: 'elf', os: 'linux', cpus: [cpuName(ELF_MACHINE, machine)] };
  }
  if (head.length >= 8 && (head.readUInt32LE(0) === 0xfeedfacf || head.readUInt32LE(0) === 0xfeedface)) {
    return { format: 'macho', os: 'darwin', cpus: [cpuName(MACHO_CPU, head.readUInt32LE(4))] };
  }
  if (head.length >= 8 && head.readUInt32BE(0) === 0xcafebabe) {
    // A universal binary: a big-endian table of architectures, 20 bytes each.
    const count = head.readUInt32BE(4);
    const cpus: string[] = [];
    for (let i = 0; i < count && 8 + i * 20 + 4 <= head.length; i += 1)
      cpus.push(cpuName(MACHO_CPU, head.readUInt32BE(8 + i * 20)));
    return { format: 'macho', os: 'darwin', cpus };
  }
  if (head.length >= 0x40 && head.toString('latin1', 0, 2) === 'MZ') {
    const peOffset = head.readUInt32LE(0x3c);
    if (peOffset + 6 <= head.length && head.toString('latin1', peOffset, peOffset + 4) === 'PE\0\0') {
      return { format: 'pe', os: 'win32', cpus: [cpuName(PE_MACHINE, head.readUInt16LE(peOffset + 4))] };
    }
  }
  return { format: 'unknown' };
}

const FORMAT_NAME = { elf: 'an ELF (Linux)', macho: 'a Mach-O (macOS)', pe: 'a PE (Windows)' } as const;

/** Why this file cannot be the binary for that platform, or null when it can. */
export function executableProblem(platform: Platform, info: ExecutableInfo): string | null {
  if (info.format === 'unknown') return 'it is not an executable (no ELF, Mach-O or PE header)';
  if (info.os !== platform.os) return `it is ${FORMAT_NAME[info.format]} executable, not one for ${platform.os}`;
  if (!info.cpus.includes(platform.cpu)) return `it is built for ${info.cpus.join(', ')}, not ${platform.cpu}`;
  return null;
}

export interface RunHost {
  /** `process.platform`. */
  readonly platform: string;
  /** `process.arch`. */
  readonly arch: string;
}

const OS_NAME: Readonly<Record<string, string>> = { linux: 'Linux', darwin: 'macOS', win32: 'Windows' };
const FORMAT_LABEL = { elf: 'ELF', macho: 'Mach-O', pe: 'PE' } as const;
// CPUs a host runs besides its own, through the OS's own translation (Rosetta 2, WOW64, Windows on Arm).
const ALSO_RUNS: Readonly<Record<string, readonly string[]>> = {
  'darwin-arm64': ['x64'],
  'win32-x64': ['ia32'],
  'win32-arm64': ['x64', 'ia32'],
};

const osName = (os: string): string => OS_NAME[os] ?? os;

/** The platform id a binary for this host is published under, e.g. `linux-x64`. */
export const platformIdOf = (host: RunHost): string => `${host.platform}-${host.arch}`;

/**
 * Why a file cannot run on this host, judged from its first bytes, or null when it can. Continues
 * "<path> …", e.g. "is built for arm64 Linux (ELF), but this host is x64 Linux". A `#!` script is
 * accepted: it runs through its interpreter (the test stand-ins and wrapper scripts are such files).
 * Without this check, Linux would hand a foreign binary to /bin/sh, which fails with a syntax error.
 */
export function cannotRunHere(head: Buffer, host: RunHost): string | null {
  if (head.length >= 2 && head[0] === 0x23 && head[1] === 0x21) return null; // "#!"
  const info = inspectExecutable(head);
  if (info.format === 'unknown')
    return 'is not an executable: it has no ELF, Mach-O or PE header and no #! line (a broken download?)';
  const runnable = [host.arch, ...(ALSO_RUNS[platformIdOf(host)] ?? [])];
  if (info.os === host.platform && info.cpus.some((cpu) => runnable.includes(cpu))) return null;
  const universal = info.cpus.length > 1 ? ' universal' : '';
  return `is built for ${info.cpus.join(' + ')} ${osName(info.os)} (${FORMAT_LABEL[info.format]}${universal}), but this host is ${host.arch} ${osName(host.platform)}`;
}
