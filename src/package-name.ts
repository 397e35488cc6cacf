// This package's npm name, written once: the update check, the platform packages' names, the files
// `export` writes and recognises as its own, what nodes are told launched them, and messages.
export const PACKAGE_NAME = 'c8ctl-plugin-nano';

/** Every platform package is `@nanobpm/c8ctl-plugin-nano-<os>-<cpu>[-<libc>]` (platforms.ts). */
export const PLATFORM_PACKAGE_PREFIX = `@nanobpm/${PACKAGE_NAME}-`;
