import { FAILED_FLAG, SLOW_FLAG, isOutcome, type Outcome } from './outcome.js';
import type { OutcomeWindow, WindowCounts } from './outcome-window.js';
import { assertWholeNumber, durationBelowBuckets, invalidNow, invalidOutcome } from './window-messages.js';

const OWNER = 'TimeWindow';

/** Buckets a {@link TimeWindow} uses when none are given: 10% granularity. */
export const DEFAULT_TIME_WINDOW_BUCKETS = 10;

/**
 * A window over the calls of the last `durationMs` milliseconds, kept as `buckets` buckets of
 * counts rather than one entry per call, so memory does not grow with traffic.
 *
 * Time is cut into buckets of `durationMs / buckets` ms aligned on time 0: bucket `k` covers
 * `[k·durationMs/buckets, (k+1)·durationMs/buckets)`. The width may be fractional (1 005 ms in
 * 10 buckets gives 100.5 ms), so no rounding is needed; the bucket of a time is computed as
 * `floor(now·buckets / durationMs)`, which is exact for whole-millisecond times. The window as
 * of `now` holds the bucket of `now` and the `buckets − 1` before it; a bucket leaves exactly
 * when the clock reaches the start of the bucket `buckets` places after it. A call therefore
 * stays counted for more than `durationMs − durationMs/buckets` and at most `durationMs`
 * milliseconds: more buckets, finer edge, a little more memory.
 *
 * Cost of {@link record}, {@link advance} and {@link snapshot}: O(1) when time stays in the
 * same bucket and O(1) after an idle gap of a whole window or more (the totals are zeroed at
 * once and the stale buckets recognised later by the index each one stores). Between those,
 * moving across `g` buckets empties `g` buckets, `g < buckets`, so the work per call is
 * bounded by the bucket count, a small constant fixed at construction, never by traffic; and
 * over any run of calls each bucket is emptied at most once per pass of the clock.
 * {@link reset} is O(buckets).
 */
export class TimeWindow implements OutcomeWindow {
  /** Milliseconds the window spans. */
  readonly durationMs: number;
  /** Buckets the window is cut into. */
  readonly buckets: number;

  // Per slot: which absolute bucket index it holds, and that bucket's counts. Bucket k lives
  // in slot k mod buckets. A slot whose index is not the one expected is stale and counts as
  // empty, which is what lets a long gap skip the per-slot clearing.
  private readonly slotBucket: Float64Array;
  private readonly slotCalls: Float64Array;
  private readonly slotFailures: Float64Array;
  private readonly slotSlow: Float64Array;
  /** The newest bucket index reached; -Infinity before the first call. */
  private head = Number.NEGATIVE_INFINITY;
  private callTotal = 0;
  private failureTotal = 0;
  private slowTotal = 0;

  /**
   * @param durationMs - Milliseconds the window spans: a whole number ≥ `buckets`.
   * @param buckets - Buckets the window is cut into: a whole number ≥ 1; default
   * {@link DEFAULT_TIME_WINDOW_BUCKETS}.
   *
   * @throws TypeError when an argument is not a number; RangeError when it is fractional,
   * below 1 or beyond `Number.MAX_SAFE_INTEGER`, or when `durationMs` is below `buckets`.
   */
  constructor(durationMs: number, buckets: number = DEFAULT_TIME_WINDOW_BUCKETS) {
    assertWholeNumber(OWNER, 'durationMs', durationMs);
    assertWholeNumber(OWNER, 'buckets', buckets);
    if (durationMs < buckets) throw new RangeError(durationBelowBuckets(durationMs, buckets));

    this.durationMs = durationMs;
    this.buckets = buckets;
    this.slotBucket = new Float64Array(buckets).fill(Number.NaN);
    this.slotCalls = new Float64Array(buckets);
    this.slotFailures = new Float64Array(buckets);
    this.slotSlow = new Float64Array(buckets);
  }

  /** Calls in the window as of the latest time given. */
  get calls(): number {
    return this.callTotal;
  }

  /** Calls in the window that failed, as of the latest time given. */
  get failures(): number {
    return this.failureTotal;
  }

  /** Calls in the window that were slow, as of the latest time given. */
  get slowCalls(): number {
    return this.slowTotal;
  }

  /**
   * Adds a call at time `now` to the bucket of `now` (or of the latest time seen, if `now` is
   * earlier), after dropping the buckets that have left the window.
   *
   * @throws TypeError when `outcome` is not an {@link Outcome} or `now` is not finite.
   */
  record(outcome: Outcome, now: number): void {
    if (!isOutcome(outcome)) throw new TypeError(invalidOutcome(OWNER, outcome));
    this.advance(now);

    const bucket = this.head;
    const slot = this.slotOf(bucket);
    if (this.slotBucket[slot] !== bucket) this.claim(slot, bucket);

    const failed = outcome & FAILED_FLAG;
    const slow = (outcome & SLOW_FLAG) >> 1;
    this.slotCalls[slot]!++;
    this.slotFailures[slot]! += failed;
    this.slotSlow[slot]! += slow;
    this.callTotal++;
    this.failureTotal += failed;
    this.slowTotal += slow;
  }

  /**
   * Drops the buckets that have left the window by time `now`. A `now` in the current bucket
   * or earlier changes nothing.
   *
   * @throws TypeError when `now` is not finite.
   */
  advance(now: number): void {
    if (!Number.isFinite(now)) throw new TypeError(invalidNow(OWNER, now));

    const target = Math.floor((now * this.buckets) / this.durationMs);
    if (target <= this.head) return;

    if (target - this.head >= this.buckets) {
      // Every bucket held is out of the window: zero the totals in one step and leave the
      // slots alone. Their stored indices are all at most target − buckets, so no later
      // expiry mistakes them for live buckets, and record() reclaims each one on first use.
      this.callTotal = 0;
      this.failureTotal = 0;
      this.slowTotal = 0;
    } else {
      // Fewer than `buckets` steps: each step retires the bucket `buckets` places behind it,
      // which shares its slot, and leaves that slot empty for the new bucket.
      for (let bucket = this.head + 1; bucket <= target; bucket++) {
        const slot = this.slotOf(bucket);
        if (this.slotBucket[slot] === bucket - this.buckets) {
          this.callTotal -= this.slotCalls[slot]!;
          this.failureTotal -= this.slotFailures[slot]!;
          this.slowTotal -= this.slotSlow[slot]!;
        }
        this.claim(slot, bucket);
      }
    }
    this.head = target;
  }

  /** The window's counts as of time `now`, as a new object. */
  snapshot(now: number): WindowCounts {
    this.advance(now);
    return { calls: this.callTotal, failures: this.failureTotal, slowCalls: this.slowTotal };
  }

  /**
   * Forgets every call and the latest time seen. O(buckets): the slots' indices are cleared
   * too, because a call made after the reset may fall in the very bucket of a forgotten one
   * and must neither add to its counts nor, later, see them subtracted from the totals.
   */
  reset(): void {
    this.slotBucket.fill(Number.NaN);
    this.head = Number.NEGATIVE_INFINITY;
    this.callTotal = 0;
    this.failureTotal = 0;
    this.slowTotal = 0;
  }

  /** The slot of an absolute bucket index; times before 0 give negative indices. */
  private slotOf(bucket: number): number {
    const slot = bucket % this.buckets;
    return slot < 0 ? slot + this.buckets : slot;
  }

  /** Makes `slot` hold `bucket`, empty. */
  private claim(slot: number, bucket: number): void {
    this.slotBucket[slot] = bucket;
    this.slotCalls[slot] = 0;
    this.slotFailures[slot] = 0;
    this.slotSlow[slot] = 0;
  }
}
