import type { Clock } from '../../lib/core/index.js';

/** A clock the test moves by hand, so no test ever waits for real time. */
export interface FakeClock extends Clock {
  /** Moves time forward by `ms` milliseconds. */
  advance(ms: number): void;
}

export function fakeClock(start = 1_000): FakeClock {
  let t = start;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
  };
}
