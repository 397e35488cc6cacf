// Small fake executables with real headers, for the release scripts: they inspect the first bytes of
// each asset (ELF e_machine, Mach-O cputype, universal fat_arch table, PE Machine) and must tell a
// Linux arm64 binary from a Linux x64 one without anything being runnable.
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PLATFORMS } from '../../platforms.js';

export type FakeCpu = 'x64' | 'arm64' | 'arm';

const ELF_MACHINE: Record<FakeCpu, number> = { x64: 0x3e, arm64: 0xb7, arm: 0x28 };
const MACHO_CPU: Record<FakeCpu, number> = { x64: 0x01000007, arm64: 0x0100000c, arm: 0x0c };
const PE_MACHINE: Record<FakeCpu, number> = { x64: 0x8664, arm64: 0xaa64, arm: 0x01c4 };

/** Bytes after the headers, so a file is more than its header (and differs per kind and CPU). */
function padding(label: string, length = 1024): Buffer {
  const text = Buffer.from(`fake ${label} engine binary for c8ctl-plugin-nano release tests\n`, 'latin1');
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i += 1) bytes[i] = text[i % text.length]!;
  return bytes;
}

/** ELF64, little-endian, ET_EXEC, with e_machine for the CPU. */
export function elf64(cpu: FakeCpu): Buffer {
  const header = Buffer.alloc(64);
  header.writeUInt32BE(0x7f454c46, 0); // \x7fELF
  header[4] = 2; // EI_CLASS: ELFCLASS64
  header[5] = 1; // EI_DATA: little-endian
  header[6] = 1; // EI_VERSION
  header.writeUInt16LE(2, 16); // e_type: ET_EXEC
  header.writeUInt16LE(ELF_MACHINE[cpu], 18); // e_machine
  header.writeUInt32LE(1, 20); // e_version
  header.writeUInt16LE(64, 52); // e_ehsize
  return Buffer.concat([header, padding(`elf-${cpu}`)]);
}

/** The 32-byte mach_header_64 (little-endian, MH_EXECUTE). */
function machoHeader(cpu: FakeCpu): Buffer {
  const header = Buffer.alloc(32);
  header.writeUInt32LE(0xfeedfacf, 0); // MH_MAGIC_64
  header.writeUInt32LE(MACHO_CPU[cpu], 4); // cputype
  header.writeUInt32LE(cpu === 'arm64' ? 0 : 3, 8); // cpusubtype (ALL)
  header.writeUInt32LE(2, 12); // filetype: MH_EXECUTE
  return header;
}

/** A thin 64-bit Mach-O. */
export function macho64(cpu: FakeCpu): Buffer {
  return Buffer.concat([machoHeader(cpu), padding(`macho-${cpu}`)]);
}

/** A universal ("fat") Mach-O: big-endian 0xCAFEBABE, nfat_arch, 20-byte fat_arch entries, then the slices. */
export function universalMacho(cpus: readonly FakeCpu[]): Buffer {
  const align = 12; // 4 KiB, as lipo does
  const sliceSize = 32 + 1024;
  const header = Buffer.alloc(4096);
  header.writeUInt32BE(0xcafebabe, 0); // FAT_MAGIC
  header.writeUInt32BE(cpus.length, 4); // nfat_arch
  const slices: Buffer[] = [];
  cpus.forEach((cpu, i) => {
    const entry = 8 + i * 20;
    const offset = (1 + i) * (1 << align);
    header.writeUInt32BE(MACHO_CPU[cpu], entry); // cputype
    header.writeUInt32BE(cpu === 'arm64' ? 0 : 3, entry + 4); // cpusubtype
    header.writeUInt32BE(offset, entry + 8); // offset
    header.writeUInt32BE(sliceSize, entry + 12); // size
    header.writeUInt32BE(align, entry + 16); // align (power of two)
    const slice = Buffer.alloc(1 << align);
    macho64(cpu).copy(slice, 0);
    slices.push(slice);
  });
  return Buffer.concat([header, ...slices]);
}

/** A PE executable: "MZ" DOS header, e_lfanew at 0x3C pointing at "PE\0\0" and the COFF Machine field. */
export function pe(cpu: FakeCpu): Buffer {
  const peOffset = 0x80;
  const header = Buffer.alloc(0x200);
  header.write('MZ', 0, 'latin1');
  header.writeUInt32LE(peOffset, 0x3c); // e_lfanew
  header.write('This program cannot be run in DOS mode.', 0x4e, 'latin1');
  header.write('PE\0\0', peOffset, 'latin1');
  header.writeUInt16LE(PE_MACHINE[cpu], peOffset + 4); // Machine
  header.writeUInt16LE(1, peOffset + 6); // NumberOfSections
  header.writeUInt16LE(0xf0, peOffset + 20); // SizeOfOptionalHeader
  header.writeUInt16LE(0x22, peOffset + 22); // Characteristics: EXECUTABLE_IMAGE | LARGE_ADDRESS_AWARE
  return Buffer.concat([header, padding(`pe-${cpu}`)]);
}

/** Not an executable at all: what a broken download or an HTML error page looks like. */
export function textFile(): Buffer {
  return Buffer.from('<html><body>404 Not Found</body></html>\n', 'utf8');
}

/** The right fake binary for each platform id of PLATFORMS. */
export function fakeBinaryFor(platformId: string): Buffer {
  const platform = PLATFORMS.find((p) => p.id === platformId);
  if (!platform) throw new Error(`No platform ${platformId}`);
  const cpu = platform.cpu as FakeCpu;
  if (platform.os === 'linux') return elf64(cpu);
  if (platform.os === 'darwin') return macho64(cpu);
  return pe(cpu);
}

export interface EngineMarker {
  version?: string;
  commit?: string;
  updated?: string;
}

export const DEFAULT_MARKER: Required<EngineMarker> = {
  version: 'v0.0.22',
  commit: 'abc1234',
  updated: '2025-06-01T12:00:00Z',
};

export interface ReleaseAssetOptions {
  /** Per platform id: other bytes for its asset, or null to leave the asset out. */
  readonly assets?: Readonly<Record<string, Buffer | null>>;
  /** The nanobpmn-binary.json marker, or null for none. */
  readonly marker?: EngineMarker | null;
}

export interface ReleaseAssets {
  readonly dir: string;
  /** Platform id → path of the asset written for it. */
  readonly files: Readonly<Record<string, string>>;
  readonly marker: EngineMarker | null;
}

/**
 * Writes what an upstream release looks like: one asset per platform, named as PLATFORMS[].asset, and
 * the nanobpmn-binary.json marker. Assets are written 0644 (as downloaded), so execute bits in the
 * built packages come from the build script.
 */
export async function writeReleaseAssets(dir: string, overrides: ReleaseAssetOptions = {}): Promise<ReleaseAssets> {
  await mkdir(dir, { recursive: true });
  const files: Record<string, string> = {};
  for (const platform of PLATFORMS) {
    const override =
      overrides.assets && Object.hasOwn(overrides.assets, platform.id) ? overrides.assets[platform.id] : undefined;
    if (override === null) continue;
    const file = path.join(dir, platform.asset);
    await writeFile(file, override ?? fakeBinaryFor(platform.id));
    await chmod(file, 0o644);
    files[platform.id] = file;
  }
  const marker = overrides.marker === undefined ? DEFAULT_MARKER : overrides.marker;
  if (marker !== null) await writeFile(path.join(dir, 'nanobpmn-binary.json'), `${JSON.stringify(marker, null, 2)}\n`);
  return { dir, files, marker };
}
