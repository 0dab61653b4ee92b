import {
  CountWindow,
  TimeWindow,
  type Outcome,
  type OutcomeWindow,
  type WindowCounts,
} from '../../../lib/core/windows/index.js';
import { ReferenceCountWindow, ReferenceTimeWindow } from './reference-windows.js';
import { between, seededRandom } from './random.js';

const SEQUENCES = 2_000;
const MAX_STEPS = 120;

/** The window's counts read through its getters, which must match its snapshots. */
const countsOf = (window: OutcomeWindow): WindowCounts => ({
  calls: window.calls,
  failures: window.failures,
  slowCalls: window.slowCalls,
});

const same = (a: WindowCounts, b: WindowCounts) =>
  a.calls === b.calls && a.failures === b.failures && a.slowCalls === b.slowCalls;

/** One call made on a window, kept as data: formatting each one would dominate the run time. */
type Step =
  | [method: 'record', outcome: Outcome, now: number]
  | [method: 'advance' | 'snapshot', now: number]
  | [method: 'reset'];

/** What went wrong in one sequence, with what it takes to replay it. */
interface Mismatch {
  seed: number;
  window: string;
  steps: Step[];
  expected: WindowCounts;
  actual: WindowCounts;
}

/**
 * The next time a sequence uses. Mostly small forward steps, with the cases the ring must get
 * right drawn often: the same instant, an exact bucket boundary, a gap of about a window, a
 * gap of many windows, a step backwards, and fractional milliseconds.
 */
function nextTime(random: () => number, now: number, durationMs: number, buckets: number): number {
  const width = durationMs / buckets;
  const wide = Math.ceil(width);
  const bucketOfNow = Math.floor((now * buckets) / durationMs);
  const roll = random();
  if (roll < 0.15) return now;
  if (roll < 0.55) return now + between(random, 1, wide);
  if (roll < 0.65) return (bucketOfNow + between(random, 1, buckets)) * width;
  if (roll < 0.75) return now + between(random, durationMs - wide, durationMs + wide);
  if (roll < 0.8) return now + between(random, 2, 50) * durationMs;
  if (roll < 0.9) return now - between(random, 1, durationMs);
  return now + random() * width;
}

/**
 * Runs one random sequence of records, time moves, snapshots and resets against a window and
 * its reference, comparing counts after every step. Returns the first disagreement, if any.
 */
function runTimeSequence(seed: number): Mismatch | null {
  const random = seededRandom(seed);
  // Mostly few buckets, to cross the window often; sometimes many, to fill a long queue.
  const buckets = random() < 0.85 ? between(random, 1, 12) : between(random, 13, 64);
  // Half the time a duration the buckets do not divide, for fractional bucket widths.
  const remainder = random() < 0.5 ? between(random, 0, buckets - 1) : 0;
  const durationMs = buckets * between(random, 1, 30) + remainder;
  const window = new TimeWindow(durationMs, buckets);
  const reference = new ReferenceTimeWindow(durationMs, buckets);
  const steps: Step[] = [];
  let now = between(random, -2 * durationMs, 3 * durationMs);

  for (let step = between(random, 1, MAX_STEPS); step > 0; step--) {
    now = nextTime(random, now, durationMs, buckets);
    const roll = random();
    let actual: WindowCounts;
    let expected: WindowCounts;
    if (roll < 0.8) {
      const outcome = between(random, 0, 3) as Outcome;
      steps.push(['record', outcome, now]);
      window.record(outcome, now);
      reference.record(outcome, now);
      actual = countsOf(window);
      expected = reference.counts(now);
    } else if (roll < 0.88) {
      steps.push(['advance', now]);
      window.advance(now);
      actual = countsOf(window);
      expected = reference.counts(now);
    } else if (roll < 0.97) {
      steps.push(['snapshot', now]);
      actual = window.snapshot(now);
      expected = reference.counts(now);
    } else {
      // A reset reads no time: the next step may go back before any time seen so far.
      steps.push(['reset']);
      window.reset();
      reference.reset();
      actual = countsOf(window);
      expected = reference.counts();
    }
    if (!same(actual, expected)) {
      return { seed, window: `TimeWindow(${durationMs}, ${buckets})`, steps, expected, actual };
    }
  }
  return null;
}

/** As {@link runTimeSequence}, for a count window: time moves too, and must not matter. */
function runCountSequence(seed: number): Mismatch | null {
  const random = seededRandom(seed);
  // Mostly rings much smaller than the sequence, so it laps them many times.
  const size = random() < 0.8 ? between(random, 1, 8) : between(random, 9, MAX_STEPS + 10);
  const window = new CountWindow(size);
  const reference = new ReferenceCountWindow(size);
  const steps: Step[] = [];
  let now = 0;

  for (let step = between(random, 1, MAX_STEPS); step > 0; step--) {
    now = nextTime(random, now, 1_000, 10);
    const roll = random();
    let actual: WindowCounts;
    if (roll < 0.85) {
      const outcome = between(random, 0, 3) as Outcome;
      steps.push(['record', outcome, now]);
      window.record(outcome, now);
      reference.record(outcome);
      actual = countsOf(window);
    } else if (roll < 0.97) {
      steps.push(['snapshot', now]);
      actual = window.snapshot(now);
    } else {
      steps.push(['reset']);
      window.reset();
      reference.reset();
      actual = countsOf(window);
    }
    const expected = reference.counts();
    if (!same(actual, expected)) {
      return { seed, window: `CountWindow(${size})`, steps, expected, actual };
    }
  }
  return null;
}

/** The first mismatch over the seeds 1..SEQUENCES, or null when every sequence agrees. */
function firstMismatch(run: (seed: number) => Mismatch | null): Mismatch | null {
  for (let seed = 1; seed <= SEQUENCES; seed++) {
    const mismatch = run(seed);
    if (mismatch) return mismatch;
  }
  return null;
}

describe('CountWindow', () => {
  describe(`against a reference that keeps every call, over ${SEQUENCES} random sequences`, () => {
    it('agrees on calls, failures and slow calls after every step', () => {
      expect(firstMismatch(runCountSequence)).toBeNull();
    });
  });
});

describe('TimeWindow', () => {
  describe(`against a reference that keeps every call, over ${SEQUENCES} random sequences`, () => {
    it('agrees on calls, failures and slow calls after every step', () => {
      expect(firstMismatch(runTimeSequence)).toBeNull();
    });
  });
});
