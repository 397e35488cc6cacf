// What this install is: our version, the engine it bundles, the platform package it pins.
import { bundledManifest } from '../binary/manifest.js';
import { readPackageJson } from '../package-files.js';
import { pluginVersion } from '../version.js';
import { pinnedPlatformPackage, type Installed } from './assess.js';

export const hostId = (): string => `${process.platform}-${process.arch}`;

export function installed(): Installed {
  const pkg = readPackageJson<{ optionalDependencies?: Record<string, string> }>('package.json');
  return {
    version: pluginVersion(),
    engine: bundledManifest()?.version,
    platformPackage: pinnedPlatformPackage(pkg?.optionalDependencies, hostId()),
  };
}
