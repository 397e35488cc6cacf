// Parsers for the values flags take (ports, seconds, whole numbers): each mistake names the flag,
// the value and an example. Generic, so they live beside errors.ts, below every layer that checks input.
import { invalidArgument } from './errors.js';

/** Strict decimal integer: rejects "3.0", "1e3", "0x10", " 3", "+3". */
export function parseWholeNumber(text: string): number | undefined {
  if (!/^\d{1,9}$/.test(text)) return undefined;
  return Number(text);
}

/** The longest wait or interval any seconds flag takes: a day. Longer is a typo, not a plan. */
export const MAX_SECONDS = 86_400;

/** Seconds as a plain decimal from 0.001 to MAX_SECONDS (e.g. 60, 0.5), returned in milliseconds. */
export function parseSeconds(flag: string, text: string | undefined, fallbackSeconds: number): number {
  if (text === undefined) return fallbackSeconds * 1000;
  const range = `seconds from 0.001 to ${MAX_SECONDS} (a day)`;
  if (!/^\d+(\.\d{1,3})?$/.test(text)) {
    throw invalidArgument(
      `${flag} "${text}" is not a plain number of ${range}, with at most 3 decimals. Example: ${flag} 120`,
    );
  }
  const seconds = Number(text);
  if (seconds <= 0 || seconds > MAX_SECONDS)
    throw invalidArgument(`${flag} "${text}" is out of range: give ${range}. Example: ${flag} 120`);
  return Math.round(seconds * 1000);
}

export function parsePort(flag: string, text: string): number {
  const port = parseWholeNumber(text);
  if (port === undefined || port < 1 || port > 65535) {
    throw invalidArgument(`${flag} "${text}" is not a port number from 1 to 65535. Example: ${flag} 9000`);
  }
  return port;
}
