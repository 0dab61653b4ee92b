import { FAILED_FLAG, SLOW_FLAG, isOutcome, type Outcome } from './outcome.js';
import type { OutcomeWindow, WindowCounts } from './outcome-window.js';
import {
  assertWholeNumber,
  durationBelowBuckets,
  invalidNow,
  invalidOutcome,
} from './window-messages.js';

const OWNER = 'TimeWindow';

/** Buckets a {@link TimeWindow} uses when none are given: 10% granularity. */
export const DEFAULT_TIME_WINDOW_BUCKETS = 10;

/**
 * A window over the calls of the last `durationMs` milliseconds, kept per bucket of time
 * rather than per call, so memory does not grow with traffic.
 *
 * Time is cut into buckets of `durationMs / buckets` ms aligned on time 0: bucket `k` covers
 * `[k·durationMs/buckets, (k+1)·durationMs/buckets)`. The width may be fractional (1 005 ms in
 * 10 buckets gives 100.5 ms), so no rounding is needed; the bucket of a time is computed as
 * `floor(now·buckets / durationMs)`, which is exact for whole-millisecond times. The window as
 * of `now` holds the bucket of `now` and the `buckets − 1` before it; a bucket leaves exactly
 * when the clock reaches the start of the bucket `buckets` places after it. A call therefore
 * stays counted for more than `durationMs − durationMs/buckets` and at most `durationMs`
 * milliseconds: more buckets, finer edge, a little more memory (32 bytes per bucket).
 *
 * How the totals stay cheap: the window keeps running totals of every call since the last
 * reset, and a queue of the buckets that received calls, oldest first, each remembering those
 * running totals as they stood when its first call arrived. The window's counts are the
 * running totals minus the ones remembered by the oldest bucket still inside. Expiring buckets
 * therefore subtracts nothing bucket by bucket: it only moves the queue's front past them,
 * found by a galloping search over the queue (its bucket indices increase).
 *
 * Cost of {@link record}, {@link advance} and {@link snapshot}: O(1) when no bucket leaves,
 * and O(1) when every bucket leaves (any idle gap of a whole window or more); otherwise
 * O(log k) for the k buckets leaving, so never more than O(log buckets), and never a walk over
 * the empty buckets of a gap. {@link reset} is O(1).
 */
export class TimeWindow implements OutcomeWindow {
  /** Milliseconds the window spans. */
  readonly durationMs: number;
  /** Buckets the window is cut into. */
  readonly buckets: number;

  // The queue of buckets that received calls, as a ring of `buckets` entries: at most that
  // many distinct buckets can be inside the window at once. For each entry, its bucket index
  // and the running totals just before its first call.
  private readonly queuedBucket: Float64Array;
  private readonly callsBefore: Float64Array;
  private readonly failuresBefore: Float64Array;
  private readonly slowBefore: Float64Array;
  private front = 0;
  private queued = 0;

  /** The newest bucket index reached; -Infinity before the first call. */
  private head = Number.NEGATIVE_INFINITY;

  // Running totals of every call since the last reset, and the part of them that has left
  // the window. Whole numbers in doubles: exact up to 2^53 calls.
  private callsSeen = 0;
  private failuresSeen = 0;
  private slowSeen = 0;
  private callsGone = 0;
  private failuresGone = 0;
  private slowGone = 0;

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
    this.queuedBucket = new Float64Array(buckets);
    this.callsBefore = new Float64Array(buckets);
    this.failuresBefore = new Float64Array(buckets);
    this.slowBefore = new Float64Array(buckets);
  }

  /** Calls in the window as of the latest time given. */
  get calls(): number {
    return this.callsSeen - this.callsGone;
  }

  /** Calls in the window that failed, as of the latest time given. */
  get failures(): number {
    return this.failuresSeen - this.failuresGone;
  }

  /** Calls in the window that were slow, as of the latest time given. */
  get slowCalls(): number {
    return this.slowSeen - this.slowGone;
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

    if (this.queued === 0 || this.bucketAt(this.queued - 1) !== this.head) this.enqueueHead();
    this.callsSeen++;
    this.failuresSeen += outcome & FAILED_FLAG;
    this.slowSeen += (outcome & SLOW_FLAG) >> 1;
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
    this.head = target;

    // Buckets at or below the cutoff are out of the window.
    const cutoff = target - this.buckets;
    if (this.queued === 0 || this.bucketAt(0) > cutoff) return;
    if (this.bucketAt(this.queued - 1) <= cutoff) {
      // Everything left, as after any idle gap of a whole window: one step, whatever the gap.
      this.queued = 0;
      this.callsGone = this.callsSeen;
      this.failuresGone = this.failuresSeen;
      this.slowGone = this.slowSeen;
      return;
    }

    const kept = this.firstAfter(cutoff);
    this.front = this.slotAt(kept);
    this.queued -= kept;
    this.callsGone = this.callsBefore[this.front]!;
    this.failuresGone = this.failuresBefore[this.front]!;
    this.slowGone = this.slowBefore[this.front]!;
  }

  /** The window's counts as of time `now`, as a new object. */
  snapshot(now: number): WindowCounts {
    this.advance(now);
    return { calls: this.calls, failures: this.failures, slowCalls: this.slowCalls };
  }

  /** Forgets every call and the latest time seen. O(1): the queue's old entries are never read. */
  reset(): void {
    this.front = 0;
    this.queued = 0;
    this.head = Number.NEGATIVE_INFINITY;
    this.callsSeen = 0;
    this.failuresSeen = 0;
    this.slowSeen = 0;
    this.callsGone = 0;
    this.failuresGone = 0;
    this.slowGone = 0;
  }

  /** Appends the current bucket to the queue, remembering the running totals before it. */
  private enqueueHead(): void {
    // After advance() every queued bucket lies in (head − buckets, head − 1], fewer than
    // `buckets` of them, so the ring always has room.
    const slot = this.slotAt(this.queued);
    this.queuedBucket[slot] = this.head;
    this.callsBefore[slot] = this.callsSeen;
    this.failuresBefore[slot] = this.failuresSeen;
    this.slowBefore[slot] = this.slowSeen;
    this.queued++;
  }

  /**
   * Position in the queue of the first bucket above `cutoff`, given that the first queued
   * bucket is at or below it and the last is above it. Gallops from the front, then bisects,
   * so the cost grows with the log of the buckets leaving, not with the queue's length.
   */
  private firstAfter(cutoff: number): number {
    let below = 0;
    let above = this.queued - 1;
    let step = 1;
    while (below + step < above && this.bucketAt(below + step) <= cutoff) {
      below += step;
      step *= 2;
    }
    if (below + step < above) above = below + step;
    while (above - below > 1) {
      const middle = (below + above) >>> 1;
      if (this.bucketAt(middle) <= cutoff) below = middle;
      else above = middle;
    }
    return above;
  }

  /** The bucket index at a position counted from the queue's front. */
  private bucketAt(position: number): number {
    return this.queuedBucket[this.slotAt(position)]!;
  }

  /** The ring slot of a position counted from the queue's front. */
  private slotAt(position: number): number {
    const slot = this.front + position;
    return slot >= this.buckets ? slot - this.buckets : slot;
  }
}
