// The daily update notice: whether to print it and whether to refresh the cached check. Pure; the
// cache file and the clock are inputs, so every off-switch is testable.
import { compareVersions } from './semver.js';
import { PACKAGE_NAME } from '../package-name.js';

export const DAY_MS = 24 * 60 * 60 * 1000;
/** A refresh started this recently is still under way (or died); do not start another. */
export const REFRESH_GRACE_MS = 10 * 60 * 1000;

export interface NoticeCache {
  /** When the registry last answered (ms since epoch). */
  readonly checkedAt?: number;
  /** When a background check was last started. */
  readonly checkingSince?: number;
  readonly latest?: string;
  /** When the notice was last printed. */
  readonly notifiedAt?: number;
}

export interface NoticeInput {
  readonly env: NodeJS.ProcessEnv;
  readonly mode: 'text' | 'json';
  readonly stdoutTTY: boolean;
  readonly stderrTTY: boolean;
  readonly subcommand: string;
  readonly current: string;
  readonly cache: NoticeCache | undefined;
  readonly now: number;
}

export type NoticeDecision =
  | { readonly off: string }
  | { readonly off?: undefined; readonly show: string | null; readonly refresh: boolean };

const set = (value: string | undefined): boolean =>
  value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';

/** Why the notice is off, or undefined when it may run. */
export function noticeOff(input: Omit<NoticeInput, 'cache' | 'now' | 'current'>): string | undefined {
  if (set(input.env.C8CTL_NANO_NO_UPDATE_NOTIFIER)) return 'C8CTL_NANO_NO_UPDATE_NOTIFIER';
  if (set(input.env.NO_UPDATE_NOTIFIER)) return 'NO_UPDATE_NOTIFIER';
  if (set(input.env.CI)) return 'CI';
  if (input.mode === 'json') return 'json';
  if (!input.stdoutTTY || !input.stderrTTY) return 'not a terminal';
  if (input.subcommand === 'update') return 'update itself';
  return undefined;
}

export function decideNotice(input: NoticeInput): NoticeDecision {
  const off = noticeOff(input);
  if (off) return { off };
  const { cache, now } = input;
  const stale = !cache?.checkedAt || now - cache.checkedAt > DAY_MS || cache.checkedAt > now;
  const refreshing =
    cache?.checkingSince !== undefined && now - cache.checkingSince < REFRESH_GRACE_MS && cache.checkingSince <= now;
  const newer = cache?.latest !== undefined && compareVersions(cache.latest, input.current) > 0;
  const due = cache?.notifiedAt === undefined || now - cache.notifiedAt > DAY_MS || cache.notifiedAt > now;
  return { show: newer && due ? cache!.latest! : null, refresh: stale && !refreshing };
}

export const noticeLine = (prog: string, current: string, latest: string): string =>
  `A newer ${PACKAGE_NAME} is out: ${latest} (you have ${current}). See "${prog} update --check"; turn this notice off with C8CTL_NANO_NO_UPDATE_NOTIFIER=1.`;
