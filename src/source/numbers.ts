// Numbers with a range: each schema says its whole range in one phrase, and every issue with the value (wrong
// type, too small, too big, too large to represent) repeats that phrase as what was expected.
import { z } from 'zod';

/**
 * The longest wait any setting may ask for, in seconds: a week. Node's timers hold at most 2^31-1 ms (24.8 days)
 * and fire at once, with only a warning, beyond that; a week stays below even when a few waits are added up
 * (wait_for guards its delay + timeout + sleep).
 */
export const MAX_WAIT_SECONDS = 7 * 24 * 3600;

/** A number from `min` to `max` ("a number from 0 to 100"). */
export function numberIn(min: number, max: number) {
  const error = `a number from ${min} to ${max}`;
  return z.number({ error }).min(min, { error }).max(max, { error });
}

/** An integer from `min` to `max` ("an integer from 1 to 65535"). */
export function integerIn(min: number, max: number) {
  const error = `an integer from ${min} to ${max}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

/** Seconds to wait, from 0 (or, when `positive`, more than 0) up to MAX_WAIT_SECONDS; `integer` for whole seconds. */
export function waitSeconds(opts: { positive?: boolean; integer?: boolean } = {}) {
  const unit = opts.integer ? 'whole seconds' : 'seconds';
  const error = opts.positive ? `${unit}, more than 0 and at most ${MAX_WAIT_SECONDS} (7 days)` : `${unit}, from 0 to ${MAX_WAIT_SECONDS} (7 days)`;
  const number = opts.integer ? z.number({ error }).int({ error }) : z.number({ error });
  return (opts.positive ? number.positive({ error }) : number.min(0, { error })).max(MAX_WAIT_SECONDS, { error });
}

/** Milliseconds to wait, more than 0 and up to MAX_WAIT_SECONDS: for library callers, who pass no schema. */
export function waitMilliseconds() {
  const error = `milliseconds, more than 0 and at most ${MAX_WAIT_SECONDS * 1000} (7 days)`;
  return z.number({ error }).positive({ error }).max(MAX_WAIT_SECONDS * 1000, { error });
}
