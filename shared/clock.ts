/**
 * The service's notion of "now". In Lambda it is the system clock; local mode and
 * tests move it forward (`POST /_local/clock`) to exercise expiry without waiting,
 * and put it back with `reset()` (`{"reset":true}`): every test starts at offset 0.
 */
let offsetMs = 0;

export const clock = {
  now(): Date {
    return new Date(Date.now() + offsetMs);
  },
  nowMs(): number {
    return Date.now() + offsetMs;
  },
  nowIso(): string {
    return new Date(Date.now() + offsetMs).toISOString();
  },
  nowEpochSeconds(): number {
    return Math.floor((Date.now() + offsetMs) / 1000);
  },
  advance(seconds: number): void {
    offsetMs += seconds * 1000;
  },
  reset(): void {
    offsetMs = 0;
  },
  offsetSeconds(): number {
    return offsetMs / 1000;
  },
};

export const addSeconds = (iso: string, seconds: number): string =>
  new Date(Date.parse(iso) + seconds * 1000).toISOString();

export const toEpochSeconds = (iso: string): number => Math.floor(Date.parse(iso) / 1000);
