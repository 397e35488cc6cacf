// The ProcessOS resolver wired to the real machine, and the check that the binary is safe to run.
import os from 'node:os';
import { fileKind, readExecutableHead } from '../binary/host.js';
import { assertTrusted } from '../os/trusted-path.js';
import { resolveProcessos, type ProcessosResolverInputs, type ResolvedProcessos } from './resolve.js';

export function findProcessos(inputs: Omit<ProcessosResolverInputs, 'homedir' | 'fileKind' | 'readHead' | 'arch'>): ResolvedProcessos {
  const found = resolveProcessos({ ...inputs, homedir: os.homedir(), arch: process.arch, fileKind, readHead: readExecutableHead });
  // A binary others can write or swap would run their code as us, whichever way it was chosen.
  assertTrusted(found.path, 'program');
  return found;
}
