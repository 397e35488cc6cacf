// The Dockerfile `export dockerfile` writes: the engine on a glibc base, as an unprivileged user whose
// data folder an arbitrary user of group 0 can write too (OpenShift). Two ways to get the engine in:
// the very binary this plugin runs, copied beside the Dockerfile (offline, air-gapped, the engine you
// tested), or our npm platform package fetched inside the build (any platform, multi-arch). Pure.
// Both build with the classic builder, BuildKit, buildx, podman and buildah: no `# syntax=` line
// (it pulls a frontend image), and TARGETARCH (unset by the classic builder) falls back to the
// architecture of the build stage itself.
import { CONTAINER_PORT, DATA_ROOT, ENGINE_PATH, ENGINE_UID } from './container.js';

export type ImageArch = 'amd64' | 'arm64';

export type EngineSource =
  | {
      readonly kind: 'npm';
      /** The Linux platform packages by Docker architecture, e.g. { amd64: '@nanobpm/…-linux-x64' }. */
      readonly packages: Readonly<Record<ImageArch, string>>;
      /** The binary's file name inside the package. */
      readonly binaryName: string;
    }
  | {
      readonly kind: 'local';
      /** The engine's file name in the build context (beside the Dockerfile). */
      readonly file: string;
      readonly arch: ImageArch;
      /** Where it came from, for the header: "@nanobpm/…-linux-x64 (installed)" or a path. */
      readonly origin: string;
    };

export interface DockerfileInputs {
  readonly engine: EngineSource;
  /** The engine's version: the image's default tag. */
  readonly version: string;
  readonly generator: string;
}

/** The tag `export dockerfile` suggests and the manifests use when no --image is given. */
export function defaultImage(version: string): string {
  return `nanobpmn:${version}`;
}

/** The engine file a local export copies beside the Dockerfile. */
export function localEngineFile(arch: ImageArch): string {
  return `nanobpmn-linux-${arch}`;
}

/** Both stages ask the same: the platform being built, or (classic builder) the stage's own. */
const ARCH_OF_BUILD = 'arch="${TARGETARCH:-$(dpkg --print-architecture)}"';

// The engine's user, and its data folder owned by it and group 0, group-writable and setgid, so an
// orchestrator's arbitrary UID in group 0 can write it too. No home is created: nothing of /etc/skel
// lands in a data volume (a named volume starts as a copy of this folder).
const RUNTIME = `FROM debian:bookworm-slim
RUN useradd --system --uid ${ENGINE_UID} --gid 0 --no-create-home --home-dir ${DATA_ROOT} --shell /usr/sbin/nologin nanobpmn \\
 && install -d -o ${ENGINE_UID} -g 0 -m 2775 ${DATA_ROOT}`;

const RUNTIME_TAIL = `USER ${ENGINE_UID}:0
WORKDIR ${DATA_ROOT}
ENV PORT=${CONTAINER_PORT} NO_COLOR=1 HOME=${DATA_ROOT}
EXPOSE ${CONTAINER_PORT}
# SIGTERM stops the engine cleanly (it flushes and leaves its peers); give it the time to.
STOPSIGNAL SIGTERM
ENTRYPOINT ["${ENGINE_PATH}"]
`;

export function dockerfile({ engine, version, generator }: DockerfileInputs): string {
  const tag = defaultImage(version);
  if (engine.kind === 'local') {
    return `# The Nano BPM engine (nanobpmn) ${version} for linux/${engine.arch}: the engine this plugin runs,
# ${engine.origin}, copied beside this file as ${engine.file}. Written by ${generator}.
# Builds offline; no registry is asked for anything but the base image (debian:bookworm-slim).
#   docker build -t ${tag} .        (or: podman build -t ${tag} .)
# Only linux/${engine.arch}: for other platforms, export with --engine npm.

${RUNTIME}
ARG TARGETARCH
RUN ${ARCH_OF_BUILD}; [ "$arch" = "${engine.arch}" ] || { echo "This Dockerfile packages the linux/${engine.arch} engine beside it and cannot build for linux/$arch; export dockerfile --engine npm builds for any platform." >&2; exit 1; }
COPY ${engine.file} ${ENGINE_PATH}
${RUNTIME_TAIL}`;
  }
  const fail = `npm could not fetch $package@${version} (npm's own error is above). Without network or registry, export dockerfile --engine local builds from the engine this plugin has installed; behind a mirror, pass --build-arg NPM_CONFIG_REGISTRY=<url>.`;
  return `# The Nano BPM engine (nanobpmn) ${version}, packaged from ${engine.packages.amd64}
# (linux/amd64) or ${engine.packages.arm64} (linux/arm64), fetched from npm during the build.
# Written by ${generator}.
#   docker build -t ${tag} .        (or: podman build -t ${tag} .)
#   docker buildx build --platform linux/amd64,linux/arm64 -t <registry>/${tag} --push .

FROM node:22-bookworm-slim AS engine
ARG TARGETARCH
# npm reads its registry from this variable: --build-arg NPM_CONFIG_REGISTRY=<mirror>.
ARG NPM_CONFIG_REGISTRY
WORKDIR /fetch
RUN ${ARCH_OF_BUILD}; case "$arch" in \\
      amd64) package="${engine.packages.amd64}" ;; \\
      arm64) package="${engine.packages.arm64}" ;; \\
      *) echo "No Nano engine is built for linux/$arch; build for linux/amd64 or linux/arm64." >&2; exit 1 ;; \\
    esac \\
 && { npm pack --loglevel=error --fetch-retries=1 --fetch-retry-mintimeout=2000 --fetch-retry-maxtimeout=5000 --fetch-timeout=30000 "$package@${version}" \\
      || { echo "${fail}" >&2; exit 1; }; } \\
 && tar -xzf ./*.tgz \\
 && install -m 0755 "package/${engine.binaryName}" /nanobpmn

# The engine is linked against glibc: a Debian base, not Alpine.
${RUNTIME}
COPY --from=engine /nanobpmn ${ENGINE_PATH}
${RUNTIME_TAIL}`;
}
