import type { Breaker, BreakerMode } from '../core/index.js';

/** One per-key breaker, linked into the use order. */
interface Entry {
  readonly name: string;
  readonly base: string;
  readonly key: string;
  readonly breaker: Breaker;
  /** When it was last used, on its breaker's clock. */
  lastUsed: number;
  /** The entry used just before this one; `null` for the least recently used. */
  older: Entry | null;
  /** The entry used just after this one; `null` for the most recently used. */
  newer: Entry | null;
}

/**
 * How many of the least recently used breakers one creation looks at for one to evict. The
 * ones it cannot evict (open, or running trials) move to the recent end, so the next creation
 * looks further on: each creation costs a bounded amount of work however full the registry is.
 */
const EVICTION_SCAN = 16;

/** How many of the least recently used breakers one creation checks for idleness. */
const IDLE_SCAN = 4;

/**
 * The per-key breakers of a registry, from least to most recently used: a doubly linked list
 * indexed by name and by (base, key), so a lookup, a use and an eviction each cost O(1).
 *
 * A per-key breaker is idle when it has not been used for `idleTimeout` ms, is not open, runs
 * no trial call and is in normal mode; idle breakers are dropped lazily, never by a timer. When
 * the registry is full, a creation evicts the least recently used breaker that is closed (in
 * normal mode) or idle.
 */
export class PerKeyBreakers {
  private readonly byName = new Map<string, Entry>();
  /** Per base name, its breakers by key: the decorator's lookup builds no name string. */
  private readonly byBase = new Map<string, Map<string, Entry>>();
  private oldest: Entry | null = null;
  private newest: Entry | null = null;

  /**
   * @param idleTimeout - Milliseconds without use after which a breaker may be dropped.
   * @param onDrop - Called with each breaker dropped, to detach it from the registry.
   */
  /**
   * @param sharedMode - The mode the registry gives every breaker: a breaker in it was not set
   * by hand, so it may still make room.
   */
  constructor(
    private readonly idleTimeout: number,
    private readonly onDrop: (breaker: Breaker) => void,
    private readonly sharedMode: () => BreakerMode = () => 'normal',
  ) {}

  /** How many per-key breakers are held. */
  get size(): number {
    return this.byName.size;
  }

  /** The breaker of `base` for `key`, marked as used now, or `undefined` when there is none. */
  use(base: string, key: string): Breaker | undefined {
    const entry = this.byBase.get(base)?.get(key);
    if (entry === undefined) return undefined;

    entry.lastUsed = entry.breaker.options.clock.now();
    if (entry !== this.newest) {
      this.unlink(entry);
      this.append(entry);
    }
    return entry.breaker;
  }

  /** The breaker with this per-key name, without marking it as used. */
  get(name: string): Breaker | undefined {
    return this.byName.get(name)?.breaker;
  }

  /** Adds a breaker as the most recently used. */
  add(name: string, base: string, key: string, breaker: Breaker): void {
    const entry: Entry = {
      name,
      base,
      key,
      breaker,
      lastUsed: breaker.options.clock.now(),
      older: null,
      newer: null,
    };

    this.byName.set(name, entry);
    let keys = this.byBase.get(base);
    if (keys === undefined) this.byBase.set(base, (keys = new Map()));
    keys.set(key, entry);
    this.append(entry);
  }

  /**
   * Drops idle breakers from the least recently used end, stopping at the first one still in
   * use: a few per creation keeps the cost per call bounded, and each breaker goes once.
   */
  dropIdleOldest(): void {
    for (let i = 0; i < IDLE_SCAN && this.oldest !== null && this.isIdle(this.oldest); i++) {
      this.drop(this.oldest);
    }
  }

  /** Drops every idle breaker; for listings, which cost as much anyway. */
  dropAllIdle(): void {
    for (let entry = this.oldest; entry !== null;) {
      const next = entry.newer;
      if (this.isIdle(entry)) this.drop(entry);
      entry = next;
    }
  }

  /**
   * Evicts the least recently used breaker that is closed or idle, among the oldest few.
   *
   * @returns Whether one was evicted.
   */
  evictOne(): boolean {
    for (let i = 0; i < EVICTION_SCAN && this.oldest !== null; i++) {
      const entry = this.oldest;
      if (this.isEvictable(entry)) {
        this.drop(entry);
        return true;
      }
      // It guards its key now (open, trials, a mode set by hand): look past it next time.
      this.unlink(entry);
      this.append(entry);
    }
    return false;
  }

  /** The names held, from least to most recently used. */
  names(): string[] {
    const names: string[] = [];
    for (let entry = this.oldest; entry !== null; entry = entry.newer) names.push(entry.name);
    return names;
  }

  /** The breakers held, from least to most recently used. */
  breakers(): Breaker[] {
    const breakers: Breaker[] = [];
    for (let entry = this.oldest; entry !== null; entry = entry.newer) breakers.push(entry.breaker);
    return breakers;
  }

  /** Closed in normal mode, or idle: what may make room for a new key. */
  private isEvictable(entry: Entry): boolean {
    const breaker = entry.breaker;
    return (breaker.mode === this.sharedMode() && breaker.state === 'closed') || this.isIdle(entry);
  }

  private isIdle(entry: Entry): boolean {
    const breaker = entry.breaker;
    if (breaker.options.clock.now() - entry.lastUsed < this.idleTimeout) return false;
    // A mode set by hand on this breaker (forced open, disabled) is someone's decision: keep it.
    if (breaker.mode !== this.sharedMode()) return false;

    const state = breaker.state;
    if (state === 'closed') return true;
    // An open breaker still protects its key; a half-open one is idle only with no trial running.
    return state === 'half-open' && breaker.getStats().trialsInFlight === 0;
  }

  private drop(entry: Entry): void {
    this.unlink(entry);
    this.byName.delete(entry.name);
    const keys = this.byBase.get(entry.base)!;
    keys.delete(entry.key);
    if (keys.size === 0) this.byBase.delete(entry.base);
    this.onDrop(entry.breaker);
  }

  private append(entry: Entry): void {
    entry.older = this.newest;
    entry.newer = null;
    if (this.newest === null) this.oldest = entry;
    else this.newest.newer = entry;
    this.newest = entry;
  }

  private unlink(entry: Entry): void {
    if (entry.older === null) this.oldest = entry.newer;
    else entry.older.newer = entry.newer;
    if (entry.newer === null) this.newest = entry.older;
    else entry.newer.older = entry.older;
    entry.older = entry.newer = null;
  }
}
