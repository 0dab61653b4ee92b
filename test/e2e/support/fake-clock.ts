import type { Clock } from 'nestjs-circuit-breaker';

/** A breaker clock the test moves by hand, so no suite waits for an open timeout to pass. */
export interface FakeClock extends Clock {
  /** Moves time forward by `ms` milliseconds. */
  advance(ms: number): void;
}

/** A {@link FakeClock} starting at `start` milliseconds. */
export function fakeClock(start = 1_000): FakeClock {
  let now = start;
  return {
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
  };
}
