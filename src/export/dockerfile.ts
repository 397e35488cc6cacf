// The Dockerfile `export dockerfile` writes: the engine binary from our own platform package (the one
// this plugin version runs locally), on a glibc base, as an unprivileged user. Pure.
import { CONTAINER_PORT, DATA_ROOT, ENGINE_PATH, ENGINE_UID } from './container.js';

export interface DockerfileInputs {
  /** The Linux platform packages by Docker architecture, e.g. { amd64: '@nanobpm/…-linux-x64' }. */
  readonly packages: Readonly<Record<'amd64' | 'arm64', string>>;
  /** Their version: the one this plugin depends on. */
  readonly version: string;
  /** The binary's file name inside the package. */
  readonly binaryName: string;
  readonly generator: string;
}

/** The tag `export dockerfile` suggests and the manifests use when no --image is given. */
export function defaultImage(version: string): string {
  return `nanobpmn:${version}`;
}

export function dockerfile({ packages, version, binaryName, generator }: DockerfileInputs): string {
  return `# syntax=docker/dockerfile:1
# The Nano BPM engine (nanobpmn), packaged from ${packages.amd64}@${version}
# (linux/amd64) or ${packages.arm64}@${version} (linux/arm64). Written by ${generator}.
#   docker build -t ${defaultImage(version)} .
#   docker buildx build --platform linux/amd64,linux/arm64 -t <registry>/${defaultImage(version)} --push .

FROM node:22-bookworm-slim AS engine
ARG TARGETARCH
WORKDIR /fetch
RUN case "$TARGETARCH" in \\
      amd64) package="${packages.amd64}" ;; \\
      arm64) package="${packages.arm64}" ;; \\
      *) echo "No Nano engine is built for linux/$TARGETARCH; build for linux/amd64 or linux/arm64." >&2; exit 1 ;; \\
    esac \\
 && npm pack --silent "$package@${version}" \\
 && tar -xzf ./*.tgz \\
 && install -m 0755 "package/${binaryName}" /nanobpmn

# The engine is linked against glibc: a Debian base, not Alpine.
FROM debian:bookworm-slim
RUN groupadd --system --gid ${ENGINE_UID} nanobpmn \\
 && useradd --system --uid ${ENGINE_UID} --gid ${ENGINE_UID} --home-dir ${DATA_ROOT} --create-home --shell /usr/sbin/nologin nanobpmn
COPY --from=engine /nanobpmn ${ENGINE_PATH}
USER ${ENGINE_UID}:${ENGINE_UID}
WORKDIR ${DATA_ROOT}
ENV PORT=${CONTAINER_PORT} NO_COLOR=1
EXPOSE ${CONTAINER_PORT}
ENTRYPOINT ["${ENGINE_PATH}"]
`;
}
