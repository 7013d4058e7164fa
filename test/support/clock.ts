/**
 * The service clock in tests. Every test starts at offset 0 (the system time) and
 * leaves it there: per-file-setup installs `knownClock()` for every file, so a
 * test that moves time cannot make a later test pass or fail by accident (an
 * access token lives 15 minutes by the service clock).
 *
 * Move time only through these helpers: in-process (`clock`, the module the
 * handlers read) or over HTTP (`/_local/clock`, the same clock seen from outside).
 */
import { afterEach, beforeEach, expect } from 'vitest';
import { clock } from '../../shared/clock.js';
import type { Harness } from './harness.js';

export function knownClock(): void {
  beforeEach(() => clock.reset());
  afterEach(() => clock.reset());
}

/** Move the service clock forward through local mode's `/_local/clock`. */
export async function advanceClock(h: Harness, seconds: number): Promise<void> {
  const r = await h.request('POST', '/_local/clock', { body: { advanceSeconds: seconds } });
  expect(r.status).toBe(200);
}

/** Put the service clock back to the system time through `/_local/clock`. */
export async function resetClock(h: Harness): Promise<void> {
  const r = await h.request('POST', '/_local/clock', { body: { reset: true } });
  expect(r.status).toBe(200);
  expect(r.json.offsetSeconds).toBe(0);
}
