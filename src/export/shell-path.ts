// A path as the user would type it into a shell in the commands export prints: bare when it is
// plain, single-quoted otherwise. Pure.
export function shellPath(file: string): string {
  return /^[A-Za-z0-9_./-]+$/.test(file) ? file : `'${file.replace(/'/g, `'\\''`)}'`;
}
