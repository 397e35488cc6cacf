// The daily update notice, as the CLI runs it after a text-mode command on a terminal. The only cost
// on the command's path is reading a small file; a stale check is refreshed by a detached child
// (check-script.js) that nobody waits for.
import { childProcess } from '../os/builtins.js';
import { isTerminal } from '../os/stdio.js';
import { packageScript } from '../package-files.js';
import { decideNotice, noticeLine, noticeOff, type NoticeInput } from './notice.js';
import { noticeCacheFile, readNoticeCache, writeNoticeCache } from './notice-cache.js';

export interface NoticeRequest {
  readonly env: NodeJS.ProcessEnv;
  readonly mode: 'text' | 'json';
  readonly prog: string;
  readonly subcommand: string;
  readonly current: string;
  readonly warn: (line: string) => void;
}

export async function updateNotice(request: NoticeRequest): Promise<void> {
  const base: Omit<NoticeInput, 'cache' | 'now' | 'current'> = {
    env: request.env,
    mode: request.mode,
    stdoutTTY: isTerminal(1),
    stderrTTY: isTerminal(2),
    subcommand: request.subcommand,
  };
  if (noticeOff(base)) return; // nothing read, nothing spawned
  const file = await noticeCacheFile();
  const cache = readNoticeCache(file);
  const now = Date.now();
  const decision = decideNotice({ ...base, current: request.current, cache, now });
  if (decision.off !== undefined) return;
  if (decision.show) request.warn(noticeLine(request.prog, request.current, decision.show));
  if (decision.show || decision.refresh) {
    writeNoticeCache(file, {
      ...cache,
      ...(decision.show ? { notifiedAt: now } : {}),
      ...(decision.refresh ? { checkingSince: now } : {}),
    });
  }
  const script = decision.refresh ? packageScript('update/check-script.js') : undefined;
  if (script !== undefined) {
    try {
      const child = childProcess().spawn(process.execPath, [script, file], {
        detached: true,
        stdio: 'ignore',
        env: request.env,
        windowsHide: true,
      });
      child.on('error', () => undefined);
      child.unref();
    } catch {
      // a notice is never worth a failure
    }
  }
}
