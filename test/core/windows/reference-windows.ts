import type { Outcome, WindowCounts } from '../../../lib/core/windows/index.js';

/** One call as the references keep it: everything, nothing summarised. */
interface Entry {
  readonly t: number;
  readonly failed: boolean;
  readonly slow: boolean;
}

/** Counts the entries that `keep` accepts, looking at every one of them: the obvious way. */
function countEntries(
  entries: readonly Entry[],
  keep: (entry: Entry) => boolean = () => true,
): WindowCounts {
  let calls = 0;
  let failures = 0;
  let slowCalls = 0;
  for (const entry of entries) {
    if (!keep(entry)) continue;
    calls++;
    if (entry.failed) failures++;
    if (entry.slow) slowCalls++;
  }
  return { calls, failures, slowCalls };
}

/** Decodes an outcome without the library's flag constants, so a wrong constant shows up. */
const toEntry = (outcome: Outcome, t: number): Entry => ({
  t,
  failed: outcome === 1 || outcome === 3,
  slow: outcome === 2 || outcome === 3,
});

/** The last `size` calls: keeps every call and slices on each query. */
export class ReferenceCountWindow {
  private entries: Entry[] = [];

  constructor(private readonly size: number) {}

  record(outcome: Outcome): void {
    this.entries.push(toEntry(outcome, 0));
  }

  counts(): WindowCounts {
    return countEntries(this.entries.slice(-this.size));
  }

  reset(): void {
    this.entries = [];
  }
}

/**
 * The calls whose bucket, `floor(t·buckets/durationMs)`, is one of the `buckets` latest as of
 * the query, with time held at the latest value seen: keeps every call and filters on each
 * query.
 */
export class ReferenceTimeWindow {
  private entries: Entry[] = [];
  private latest = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly durationMs: number,
    private readonly buckets: number,
  ) {}

  record(outcome: Outcome, now: number): void {
    this.entries.push(toEntry(outcome, this.seen(now)));
  }

  /** The calls in the window as of `now`; without `now`, as of the latest time seen. */
  counts(now = this.latest): WindowCounts {
    const newest = this.bucketOf(this.seen(now));
    return countEntries(this.entries, (entry) => this.bucketOf(entry.t) > newest - this.buckets);
  }

  reset(): void {
    this.entries = [];
    this.latest = Number.NEGATIVE_INFINITY;
  }

  /** Time as the window sees it: never earlier than before. */
  private seen(now: number): number {
    this.latest = Math.max(this.latest, now);
    return this.latest;
  }

  private bucketOf(t: number): number {
    return Math.floor((t * this.buckets) / this.durationMs);
  }
}
