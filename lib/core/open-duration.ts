import type { ResolvedBreakerOptions } from './breaker-options.js';

/**
 * How long the breaker stays open this time, in ms: `timeout` at first, then, with a backoff,
 * `timeout × multiplier^failedTrials` up to `maxTimeout`, shortened by up to `jitter` of itself
 * so that many instances do not retry in step. Never below 1 ms.
 */
export function openDuration(options: ResolvedBreakerOptions, failedTrials: number): number {
  const { timeout, backoff } = options;
  if (backoff === null) return timeout;

  const grown = Math.min(backoff.maxTimeout, timeout * backoff.multiplier ** failedTrials);
  const jittered = grown * (1 - backoff.jitter * options.random());
  return Math.max(1, Math.round(jittered));
}
