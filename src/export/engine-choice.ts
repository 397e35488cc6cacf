// Where the image's engine comes from, decided from the flag and the engine this plugin runs. Pure:
// the executable's header is read by the caller.
import type { ExecutableInfo } from '../binary/executable-format.js';
import type { ImageArch } from './dockerfile.js';

export type EngineChoice =
  | { readonly kind: 'local'; readonly arch: ImageArch }
  | { readonly kind: 'npm' /** Why not local, when the user did not ask for npm. */; readonly why: string | null }
  | { readonly kind: 'refused'; readonly message: string };

export const ENGINE_CHOICES = ['local', 'npm'] as const;

const ARCH_OF_CPU: Readonly<Record<string, ImageArch>> = { x64: 'amd64', arm64: 'arm64' };

/**
 * `--engine local|npm`, or neither: local when the engine this plugin runs can go into a Linux image
 * (a Linux amd64 or arm64 ELF), npm otherwise. `engine` is that engine (path and header) or why there
 * is none.
 */
export function chooseEngine(
  flag: string | undefined,
  engine: { readonly path: string; readonly info: ExecutableInfo } | { readonly problem: string },
): EngineChoice {
  if (flag !== undefined && !(ENGINE_CHOICES as readonly string[]).includes(flag)) {
    return {
      kind: 'refused',
      message: `--engine ${flag} is not a choice: local (the engine this plugin runs, copied beside the Dockerfile; builds offline) or npm (fetched during the build; any platform).`,
    };
  }
  if (flag === 'npm') return { kind: 'npm', why: null };
  let problem: string;
  if ('problem' in engine) problem = engine.problem;
  else {
    const { info } = engine;
    const arch =
      info.format === 'elf' ? info.cpus.map((cpu) => ARCH_OF_CPU[cpu]).find((a) => a !== undefined) : undefined;
    if (arch !== undefined) return { kind: 'local', arch };
    const what = info.format === 'unknown' ? 'not an executable' : `built for ${info.os} ${info.cpus.join(', ')}`;
    problem = `the engine this plugin runs (${engine.path}) is ${what}, and an image needs a Linux amd64 or arm64 engine`;
  }
  if (flag === 'local')
    return {
      kind: 'refused',
      message: `--engine local: ${problem}. Use --engine npm (the build fetches the Linux engine from npm).`,
    };
  return { kind: 'npm', why: `${problem}, so the build fetches it from npm` };
}
