// The background half of the update notice: `node check-script.js <cache file>`, started detached by
// notifier.ts. Asks the registry once and rewrites the cache; prints nothing (its stdio is ignored).
import { httpGet } from '../os/http-get.js';
import { hostId, installed } from './installed.js';
import { readNoticeCache, writeNoticeCache } from './notice-cache.js';
import { checkForUpdate } from './query.js';
import { chooseRegistry } from './registry-config.js';

const file = process.argv[2];
if (file) {
  const result = await checkForUpdate({
    registry: chooseRegistry(process.env, process.cwd()),
    installed: installed(),
    hostId: hostId(),
    get: httpGet,
  });
  const previous = readNoticeCache(file) ?? {};
  const { checkingSince: _started, ...kept } = previous;
  if (result.kind === 'checked')
    writeNoticeCache(file, {
      ...kept,
      checkedAt: Date.now(),
      latest: result.assessment.latest,
      registry: result.registry,
    });
  // Unpublished or unreachable: remember that we asked (no retry storm), keep what we knew.
  else writeNoticeCache(file, { ...kept, checkedAt: Date.now(), registry: result.registry, lastProblem: result.kind });
}
