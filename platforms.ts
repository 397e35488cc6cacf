// The one table of platform packages. The runtime resolver and the release scripts both read it,
// so a platform is added or renamed here and nowhere else. Pure data and pure lookups only.
import { PLATFORM_PACKAGE_PREFIX } from './src/package-name.js';

export type Libc = 'glibc' | 'musl';

export interface Platform {
  /** Key used in file names and templates, e.g. `linux-x64`. */
  readonly id: string;
  /** npm package that carries the engine binary for this platform. */
  readonly packageName: string;
  /** `process.platform` / npm `os`. */
  readonly os: NodeJS.Platform;
  /** `process.arch` / npm `cpu`. */
  readonly cpu: string;
  /** npm `libc` (Linux only): the binary is linked against this C library. */
  readonly libc?: Libc;
  /**
   * 32-bit ARM only: the ARM architecture version the binary needs. npm's `cpu: arm` cannot tell an
   * armv6 board from an armv7 one, so the runtime checks Node's own build (process.config arm_version).
   */
  readonly armVersion?: string;
  /** Name of the upstream release asset the package is built from. */
  readonly asset: string;
  /** File name of the binary inside the package. */
  readonly binaryName: string;
}

const ENGINE_FILE = 'nanobpm-gateway-rest-server';

function platform(os: NodeJS.Platform, cpu: string, libc?: Libc, armVersion?: string): Platform {
  const id = `${os}-${cpu}`;
  const exe = os === 'win32' ? '.exe' : '';
  return {
    id,
    packageName: `${PLATFORM_PACKAGE_PREFIX}${id}`,
    os,
    cpu,
    ...(libc ? { libc } : {}),
    ...(armVersion ? { armVersion } : {}),
    asset: `${ENGINE_FILE}-${id}${exe}`,
    binaryName: `${ENGINE_FILE}${exe}`,
  };
}

export const PLATFORMS: readonly Platform[] = Object.freeze([
  platform('darwin', 'arm64'),
  platform('darwin', 'x64'),
  platform('linux', 'x64', 'glibc'),
  platform('linux', 'arm64', 'glibc'),
  platform('linux', 'arm', 'glibc', '7'),
  platform('win32', 'x64'),
]);

export interface HostDescription {
  readonly platform: string;
  readonly arch: string;
  /** `undefined` where the C library is irrelevant (macOS, Windows) or unknown. */
  readonly libc?: Libc | undefined;
  /** On 32-bit ARM, the version Node was built for (`process.config.variables.arm_version`, e.g. "7"). */
  readonly armVersion?: string | undefined;
}

export type PlatformLookup =
  | { readonly ok: true; readonly platform: Platform }
  | { readonly ok: false; readonly message: string };

export function describeHost(host: HostDescription): string {
  const arm = host.arch === 'arm' && host.armVersion ? ` armv${host.armVersion}` : '';
  return `${host.platform}-${host.arch}${arm}${host.libc ? ` (${host.libc})` : ''}`;
}

/** e.g. `linux-x64 (glibc)`, `linux-arm (armv7+, glibc)`. */
export function describePlatform(p: Platform): string {
  const notes = [...(p.armVersion ? [`armv${p.armVersion}+`] : []), ...(p.libc ? [p.libc] : [])];
  return notes.length > 0 ? `${p.id} (${notes.join(', ')})` : p.id;
}

/** Picks the platform package for a host, or explains why there is none. */
export function platformForHost(host: HostDescription): PlatformLookup {
  const match = PLATFORMS.find(
    (p) =>
      p.os === host.platform &&
      p.cpu === host.arch &&
      (p.libc === undefined || host.libc === undefined || p.libc === host.libc) &&
      // An armv7 binary does not run on armv6; an unknown version is given the benefit of the doubt.
      (p.armVersion === undefined || host.armVersion === undefined || Number(host.armVersion) >= Number(p.armVersion)),
  );
  if (match) return { ok: true, platform: match };
  const supported = PLATFORMS.map(describePlatform).join(', ');
  return {
    ok: false,
    message: `No prebuilt Nano engine for this host (${describeHost(host)}); prebuilt engines exist for ${supported}. Build nanobpmn yourself and point at it with --binary or NANOBPMN_BINARY.`,
  };
}
