import { FAILED_FLAG, SLOW_FLAG, isOutcome, type Outcome } from './outcome.js';
import type { OutcomeWindow, WindowCounts } from './outcome-window.js';
import { assertWholeNumber, invalidOutcome } from './window-messages.js';

const OWNER = 'CountWindow';

/**
 * A window over the last `size` calls, whenever they happened.
 *
 * The calls sit in a ring of one byte each (a `Uint8Array` holding {@link Outcome} values), so
 * a window of 100 000 calls costs about 100 KB rather than 100 000 objects. Running totals are
 * adjusted by the call that enters and the call it pushes out, so {@link record} costs the
 * same for any `size`, and {@link reset} too.
 *
 * Time plays no part: the `now` arguments are accepted for the {@link OutcomeWindow} contract
 * and ignored, so an idle gap of any length changes nothing.
 */
export class CountWindow implements OutcomeWindow {
  /** How many of the latest calls the window holds. */
  readonly size: number;

  private readonly ring: Uint8Array;
  /** Slot the next call is written to; once the ring is full it holds the oldest call. */
  private next = 0;
  private filled = 0;
  private failureTotal = 0;
  private slowTotal = 0;

  /**
   * @param size - Calls the window holds: a whole number ≥ 1.
   *
   * @throws TypeError when `size` is not a number; RangeError when it is fractional, below 1
   * or beyond `Number.MAX_SAFE_INTEGER`.
   */
  constructor(size: number) {
    assertWholeNumber(OWNER, 'size', size);
    this.size = size;
    this.ring = new Uint8Array(size);
  }

  /** Calls in the window: the calls recorded since the last reset, at most {@link size}. */
  get calls(): number {
    return this.filled;
  }

  /** Calls in the window that failed. */
  get failures(): number {
    return this.failureTotal;
  }

  /** Calls in the window that were slow. */
  get slowCalls(): number {
    return this.slowTotal;
  }

  /**
   * Adds a call, pushing out the oldest one once the window is full. O(1).
   *
   * @param _now - Ignored: a count window does not age.
   * @throws TypeError when `outcome` is not an {@link Outcome}.
   */
  record(outcome: Outcome, _now?: number): void {
    if (!isOutcome(outcome)) throw new TypeError(invalidOutcome(OWNER, outcome));

    const slot = this.next;
    if (this.filled === this.size) {
      // The slot about to be overwritten holds the oldest call: take it out of the totals.
      const evicted = this.ring[slot]!;
      this.failureTotal -= evicted & FAILED_FLAG;
      this.slowTotal -= (evicted & SLOW_FLAG) >> 1;
    } else {
      this.filled++;
    }

    this.ring[slot] = outcome;
    this.failureTotal += outcome & FAILED_FLAG;
    this.slowTotal += (outcome & SLOW_FLAG) >> 1;
    this.next = slot + 1 === this.size ? 0 : slot + 1;
  }

  /**
   * Does nothing: calls leave a count window only when newer calls push them out.
   *
   * @param _now - Ignored.
   */
  advance(_now?: number): void {}

  /**
   * The window's counts, as a new object.
   *
   * @param _now - Ignored: a count window does not age.
   */
  snapshot(_now?: number): WindowCounts {
    return { calls: this.filled, failures: this.failureTotal, slowCalls: this.slowTotal };
  }

  /**
   * Forgets every call. O(1): the ring keeps its old bytes, but they are never read again,
   * because eviction starts only once {@link size} new calls have overwritten every slot.
   */
  reset(): void {
    this.next = 0;
    this.filled = 0;
    this.failureTotal = 0;
    this.slowTotal = 0;
  }
}
