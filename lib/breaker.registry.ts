import type { LoggerService, OnModuleDestroy } from '@nestjs/common';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Observable, Subject } from 'rxjs';
import type {
  BreakerEvent,
  BreakerMode,
  BreakerOptions,
  BreakerStats,
  ResolvedBreakerOptions,
  StateChange,
} from './core/index.js';
import { Breaker, resolveBreakerOptions } from './core/index.js';
import { LOGGER_CONTEXT } from './circuit-breaker.constants.js';
import { CIRCUIT_BREAKER_OPTIONS } from './circuit-breaker.module-definition.js';
import type { CircuitBreakerModuleOptions } from './interfaces/index.js';
import { DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_BREAKERS } from './interfaces/index.js';
import {
  conflictingOptions,
  createdBeforeDeclared,
  perKeyNameTaken,
  forKeyNotAString,
  registryFull,
  stateChangeLog,
  unknownBreaker,
} from './messages.js';
import { checkModuleOptions } from './registry/check-module-options.js';
import { OptionsByName } from './registry/options-by-name.js';
import { PerKeyBreakers } from './registry/per-key-breakers.js';
import { baseOfPerKeyName, parsePerKeyName, perKeyName } from './registry/per-key-name.js';
import { isServerFailure } from './utils/http-failure.js';

/** One decorator use's options for a breaker, remembered to catch conflicting uses. */
interface Declaration {
  readonly options: BreakerOptions | undefined;
  readonly site: string;
}

/**
 * The application's breakers: named ones, and the per-key ones that decorator uses with a
 * `key` option derive from them. Inject it anywhere to look breakers up, list their stats or
 * reset them; each Nest application has its own.
 *
 * It holds at most `maxBreakers` breakers: named breakers always get their place, per-key
 * breakers take the rest and are dropped when idle or evicted when room is needed.
 *
 * @example
 * ```ts
 * constructor(private readonly breakers: BreakerRegistry) {}
 *
 * status() {
 *   return this.breakers.list();
 * }
 * ```
 */
@Injectable()
export class BreakerRegistry implements OnModuleDestroy {
  /** Named breakers, never dropped: decorators keep a reference to theirs. */
  private readonly breakers = new Map<string, Breaker>();
  private readonly perKey: PerKeyBreakers;
  private readonly declarations = new Map<string, Declaration>();
  /** Names whose decorator uses derive per-key breakers from them. */
  private readonly keyedBases = new Set<string>();
  /** Base names whose fallback for a full registry was logged already. */
  private readonly warnedFull = new Set<string>();
  private readonly optionsByName: OptionsByName;
  private readonly maxBreakers: number;
  /** One listener for every breaker: a change carries its breaker's name. */
  private readonly relay = (change: StateChange) => this.onStateChange(change);
  /** The resolved options of breakers with no options of their own, shared by all of them. */
  private sharedOptions: ResolvedBreakerOptions | null = null;
  private readonly changes = new Subject<StateChange>();
  private readonly events = new Subject<BreakerEvent>();
  /** Subscriptions to {@link events$}; breakers carry the event relay only while there are any. */
  private eventSubscribers = 0;
  private readonly eventRelay = (event: BreakerEvent) => this.events.next(event);
  /** The mode every breaker gets, set with {@link setMode} and no name. */
  private registryMode: BreakerMode = 'normal';
  private readonly logger: LoggerService | null;

  /** Every state change of every breaker in this registry. */
  readonly stateChanges$: Observable<StateChange> = this.changes.asObservable();

  /**
   * Every event of every breaker in this registry, per-key ones included: outcomes with their
   * durations, refusals, timeouts, slow calls, fallbacks, state changes, resets and mode
   * changes. While anything is subscribed each call is timed for its event, which costs a
   * little per call; unsubscribed, it costs nothing.
   */
  readonly events$: Observable<BreakerEvent> = new Observable<BreakerEvent>((subscriber) => {
    if (this.eventSubscribers++ === 0)
      this.forEachBreaker((breaker) => breaker.onEvent(this.eventRelay));
    const subscription = this.events.subscribe(subscriber);

    return () => {
      subscription.unsubscribe();
      if (--this.eventSubscribers === 0)
        this.forEachBreaker((breaker) => breaker.offEvent(this.eventRelay));
    };
  });

  /**
   * @throws TypeError or RangeError naming the option, the breaker and the value when the
   * module options are invalid; Nest reports it at start-up.
   */
  constructor(
    @Inject(CIRCUIT_BREAKER_OPTIONS) private readonly options: CircuitBreakerModuleOptions,
  ) {
    checkModuleOptions(options);
    // Without a context of its own the default Logger prints the one passed per call, once; a
    // user's LoggerService gets the same argument.
    this.logger = options.logger === false ? null : (options.logger ?? new Logger());
    this.optionsByName = new OptionsByName(options.breakers);
    this.maxBreakers = options.maxBreakers ?? DEFAULT_MAX_BREAKERS;
    this.perKey = new PerKeyBreakers(
      options.idleTimeout ?? DEFAULT_IDLE_TIMEOUT,
      (breaker) => {
        breaker.offStateChange(this.relay);
        breaker.offEvent(this.eventRelay);
      },
      () => this.registryMode,
    );
  }

  /**
   * The breaker with this name, created on first use from the module defaults, the `breakers`
   * patterns and entry for the name and the options its decorator uses declared.
   *
   * A per-key breaker's name (`model-api:gpt-x`, for a base used with a `key` option) finds
   * that breaker without counting as a use, or creates it as {@link forKey} does.
   *
   * @throws TypeError when the name is empty.
   */
  get(name: string): Breaker {
    return this.breakers.get(name) ?? this.perKey.get(name) ?? this.create(name);
  }

  /**
   * The per-key breaker of `name` for `key`, named `<name>:<key>` (see {@link keyName}),
   * created on first use and marked as used. When the registry is full and no per-key breaker
   * can make room, it is `name`'s own breaker.
   *
   * @throws TypeError when the name is empty or the key is not a string.
   */
  forKey(name: string, key: string): Breaker {
    return this.perKey.use(name, key) ?? this.createForKey(name, key);
  }

  /**
   * The name of `name`'s per-key breaker for `key`: `<name>:<key>`, with `%` and `:` in the
   * key written `%25` and `%3A`, so no two (name, key) pairs share one.
   */
  keyName(name: string, key: string): string {
    return perKeyName(name, key);
  }

  /** Whether a breaker with this name exists, per-key breakers until they are dropped included. */
  has(name: string): boolean {
    return this.breakers.has(name) || this.perKey.get(name) !== undefined;
  }

  /**
   * The names of every breaker: named ones in creation order, then per-key ones from least to
   * most recently used. Idle per-key breakers are dropped first.
   */
  names(): string[] {
    this.perKey.dropAllIdle();
    return [...this.breakers.keys(), ...this.perKey.names()];
  }

  /** A stats snapshot of every breaker, in the order of {@link names}. */
  list(): BreakerStats[] {
    this.perKey.dropAllIdle();
    return [...this.breakers.values(), ...this.perKey.breakers()].map((breaker) =>
      breaker.getStats(),
    );
  }

  /**
   * Resets one breaker to closed with its counters cleared.
   *
   * @throws Error naming the known breakers when none has this name.
   */
  reset(name: string): void {
    const breaker = this.breakers.get(name) ?? this.perKey.get(name);
    if (breaker === undefined) throw new Error(unknownBreaker(name, this.names()));

    breaker.reset();
  }

  /** Resets every breaker. */
  resetAll(): void {
    this.forEachBreaker((breaker) => breaker.reset());
  }

  /**
   * Sets how breakers treat calls, by hand: one breaker, or with no name every breaker of the
   * registry, those created later included. See `BreakerMode`: `forced-open` refuses every
   * call, `disabled` lets every call through and only counts, `metrics-only` reports what it
   * would do but never refuses, `normal` hands control back.
   *
   * @throws Error naming the known breakers when `name` is given and none has it.
   */
  setMode(mode: BreakerMode, name?: string): void {
    if (name !== undefined) {
      const breaker = this.breakers.get(name) ?? this.perKey.get(name);
      if (breaker === undefined) throw new Error(unknownBreaker(name, this.names()));
      breaker.setMode(mode);
      return;
    }

    // Check the mode before changing anything, so a typo changes no breaker.
    new Breaker('mode-check').setMode(mode);
    this.registryMode = mode;
    this.forEachBreaker((breaker) => breaker.setMode(mode));
  }

  /** The mode set for every breaker with {@link setMode}; `normal` unless set. */
  get mode(): BreakerMode {
    return this.registryMode;
  }

  /**
   * Records the options a decorator use gives a breaker, and creates the breaker so that
   * health checks and `list()` show it from start-up.
   *
   * @param site - Where the use sits, as `Class.method`, for error messages.
   * @param keyed - Whether the use derives per-key breakers from this one.
   * @throws Error when another use gave the same breaker different options, or when a name is
   * one that a keyed use's per-key breakers could take.
   */
  declare(name: string, options: BreakerOptions | undefined, site: string, keyed = false): Breaker {
    const earlier = this.declarations.get(name);
    if (earlier !== undefined && !sameOptions(earlier.options, options)) {
      throw new Error(conflictingOptions(name, earlier.site, site));
    }
    if (earlier === undefined && this.breakers.has(name) && !sameOptions(options, undefined)) {
      throw new Error(createdBeforeDeclared(name, site));
    }
    if (earlier === undefined) this.declarations.set(name, { options, site });

    this.checkKeyNamespace(name, site, keyed);
    if (keyed) this.keyedBases.add(name);
    return this.get(name);
  }

  /** Stops the streams and detaches from the breakers. */
  onModuleDestroy(): void {
    this.forEachBreaker((breaker) => {
      breaker.offStateChange(this.relay);
      breaker.offEvent(this.eventRelay);
    });
    this.changes.complete();
    this.events.complete();
  }

  private forEachBreaker(action: (breaker: Breaker) => void): void {
    for (const breaker of this.breakers.values()) action(breaker);
    for (const breaker of this.perKey.breakers()) action(breaker);
  }

  /** Hooks a new breaker up like the others: state-change relay, event relay, registry mode. */
  private adopt(breaker: Breaker): void {
    breaker.onStateChange(this.relay);
    if (this.eventSubscribers > 0) breaker.onEvent(this.eventRelay);
    if (this.registryMode !== 'normal') breaker.setMode(this.registryMode);
  }

  /**
   * Fails when a declared name is one a keyed base's per-key breakers could take: a key would
   * then share a breaker with an unrelated use.
   */
  private checkKeyNamespace(name: string, site: string, keyed: boolean): void {
    const base = baseOfPerKeyName(name);
    if (base !== undefined && this.keyedBases.has(base))
      throw new Error(perKeyNameTaken(name, base, site));
    if (!keyed || this.keyedBases.has(name)) return;

    for (const [other, declaration] of this.declarations) {
      if (baseOfPerKeyName(other) === name)
        throw new Error(perKeyNameTaken(other, name, declaration.site));
    }
  }

  private create(name: string): Breaker {
    const perKey = parsePerKeyName(name);
    if (perKey !== undefined && this.keyedBases.has(perKey.base))
      return this.createForKey(perKey.base, perKey.key);

    const breaker = new Breaker(name, this.optionsFor(name));

    this.adopt(breaker);
    this.breakers.set(name, breaker);
    return breaker;
  }

  /**
   * Creates the per-key breaker of `base` for `key`, making room at the limit, or falls back to
   * the base breaker when none can be made.
   */
  private createForKey(base: string, key: string): Breaker {
    if (typeof key !== 'string') throw new TypeError(forKeyNotAString(base, key));
    const baseBreaker = this.get(base);
    this.keyedBases.add(base);

    const name = perKeyName(base, key);
    // Created by name before its base was used with keys: that breaker serves the key.
    const named = this.breakers.get(name);
    if (named !== undefined) return named;

    this.perKey.dropIdleOldest();
    while (this.breakers.size + this.perKey.size >= this.maxBreakers) {
      if (this.perKey.size === 0 || !this.perKey.evictOne())
        return this.fallBackFor(base, baseBreaker);
    }

    const keyLayers = this.optionsByName.perKeyLayers(base, name);
    // With nothing naming the key, the base's resolved options serve every key: no copy each.
    const options =
      keyLayers.length === 0
        ? baseBreaker.options
        : resolveBreakerOptions(name, ...this.layersOf(base), ...keyLayers);
    const breaker = new Breaker(name, options);
    this.adopt(breaker);
    this.perKey.add(name, base, key, breaker);
    return breaker;
  }

  /** The base breaker, for a key that cannot get its own; logged once per base. */
  private fallBackFor(base: string, baseBreaker: Breaker): Breaker {
    if (this.logger !== null && !this.warnedFull.has(base)) {
      this.warnedFull.add(base);
      this.logger.warn(registryFull(base, this.maxBreakers), LOGGER_CONTEXT);
    }
    return baseBreaker;
  }

  /** A breaker's options; those with none of their own share one resolved set. */
  private optionsFor(name: string): ResolvedBreakerOptions {
    const shared =
      this.optionsByName.layersFor(name).length === 0 &&
      this.declarations.get(name)?.options === undefined;
    if (shared && this.sharedOptions !== null) return this.sharedOptions;

    const resolved = resolveBreakerOptions(name, ...this.layersOf(name));
    if (shared) this.sharedOptions = resolved;
    return resolved;
  }

  /**
   * The option sets of a named breaker, in the order they apply. Lookups go through Maps, so a
   * breaker named "constructor" never picks up Object.prototype's.
   */
  private layersOf(name: string): Array<BreakerOptions | undefined> {
    return [
      { isFailure: isServerFailure },
      this.options.defaults,
      ...this.optionsByName.layersFor(name),
      this.declarations.get(name)?.options,
    ];
  }

  private onStateChange(change: StateChange): void {
    this.changes.next(change);
    if (this.logger === null) return;

    const detail =
      change.to === 'open' ? `${change.reason}, retry in ${change.retryAfterMs} ms` : change.reason;
    const line = stateChangeLog(change.name, change.from, change.to, detail);
    if (change.to === 'open') this.logger.warn(line, LOGGER_CONTEXT);
    else this.logger.log(line, LOGGER_CONTEXT);
  }
}

function sameOptions(a: BreakerOptions | undefined, b: BreakerOptions | undefined): boolean {
  const left = Object.entries(a ?? {}).filter(([, value]) => value !== undefined);
  const right = Object.entries(b ?? {}).filter(([, value]) => value !== undefined);

  return (
    left.length === right.length &&
    left.every(([key, value]) => (b as Record<string, unknown>)[key] === value)
  );
}
