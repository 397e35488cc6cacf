// The update notice's cache file: in the per-user cache folder (env-paths' `cache` for c8ctl-nano,
// e.g. ~/.cache/c8ctl-nano on Linux, honouring XDG_CACHE_HOME), not in the state home, so the
// home's permission checks, `clean` and `bundle` never meet it. Small, rewritten whole.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { NoticeCache } from './notice.js';

export async function noticeCacheFile(): Promise<string> {
  const envPaths = (await import('env-paths')).default;
  return path.join(envPaths('c8ctl-nano', { suffix: '' }).cache, 'update-check.json');
}

export function readNoticeCache(file: string): NoticeCache | undefined {
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return typeof data === 'object' && data !== null ? (data as NoticeCache) : undefined;
  } catch {
    return undefined;
  }
}

/** Best effort: a cache we cannot write only means the notice stays quiet. */
export function writeNoticeCache(file: string, cache: NoticeCache & Record<string, unknown>): void {
  try {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(cache)}\n`, { mode: 0o600 });
    renameSync(tmp, file);
  } catch {
    // ignored on purpose
  }
}
