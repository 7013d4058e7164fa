/** The test clock contract: every test starts at offset 0, whatever the one before it did. */
import { describe, expect, it } from 'vitest';
import { clock } from '../../shared/clock.js';

describe('the service clock in tests (knownClock, installed by per-file-setup)', () => {
  it('a test may move the clock forward', () => {
    expect(clock.offsetSeconds()).toBe(0);
    clock.advance(16 * 60);
    expect(clock.offsetSeconds()).toBe(16 * 60);
  });

  it('the next test starts from the system time again', () => {
    expect(clock.offsetSeconds()).toBe(0);
  });

  it('reset puts it back to the system time, and advance(0) does not', () => {
    clock.advance(60);
    clock.advance(0);
    expect(clock.offsetSeconds()).toBe(60);
    clock.reset();
    expect(clock.offsetSeconds()).toBe(0);
  });
});
