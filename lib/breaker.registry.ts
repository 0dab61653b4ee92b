import type { LoggerService, OnModuleDestroy } from '@nestjs/common';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { Subject } from 'rxjs';
import type {
  BreakerOptions,
  BreakerStats,
  ResolvedBreakerOptions,
  StateChange,
} from './core/index.js';
import {
  assertBreakerName,
  Breaker,
  resolveBreakerOptions,
  validateBreakerOptions,
} from './core/index.js';
import { breakerLabel } from './core/messages.js';
import { LOGGER_CONTEXT } from './circuit-breaker.constants.js';
import { CIRCUIT_BREAKER_OPTIONS } from './circuit-breaker.module-definition.js';
import type { CircuitBreakerModuleOptions } from './interfaces/index.js';
import {
  conflictingOptions,
  DEFAULTS_OWNER,
  invalidModuleOptions,
  stateChangeLog,
  unknownBreaker,
  unknownModuleOption,
} from './messages.js';
import { isServerFailure } from './utils/http-failure.js';

const MODULE_OPTION_KEYS = ['defaults', 'breakers', 'logger', 'isGlobal'];

/** One decorator use's options for a breaker, remembered to catch conflicting uses. */
interface Declaration {
  readonly options: BreakerOptions | undefined;
  readonly site: string;
}

/**
 * The application's named breakers. Inject it anywhere to look breakers up, list their stats
 * or reset them; each Nest application has its own.
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
  private readonly breakers = new Map<string, Breaker>();
  private readonly declarations = new Map<string, Declaration>();
  /** One listener for every breaker: a change carries its breaker's name. */
  private readonly relay = (change: StateChange) => this.onStateChange(change);
  /** The resolved options of breakers with no options of their own, shared by all of them. */
  private sharedOptions: ResolvedBreakerOptions | null = null;
  private readonly changes = new Subject<StateChange>();
  private readonly logger: LoggerService | null;

  /** Every state change of every breaker in this registry. */
  readonly stateChanges$: Observable<StateChange> = this.changes.asObservable();

  /**
   * @throws TypeError or RangeError naming the option, the breaker and the value when the
   * module options are invalid; Nest reports it at start-up.
   */
  constructor(@Inject(CIRCUIT_BREAKER_OPTIONS) private readonly options: CircuitBreakerModuleOptions) {
    checkModuleOptions(options);
    // Without a context of its own the default Logger prints the one passed per call, once; a
    // user's LoggerService gets the same argument.
    this.logger = options.logger === false ? null : (options.logger ?? new Logger());
  }

  /**
   * The breaker with this name, created on first use from the module defaults, the per-name
   * overrides and the options its decorator uses declared.
   *
   * @throws TypeError when the name is empty.
   */
  get(name: string): Breaker {
    return this.breakers.get(name) ?? this.create(name);
  }

  /** Whether a breaker with this name exists yet. */
  has(name: string): boolean {
    return this.breakers.has(name);
  }

  /** The names of every breaker created so far. */
  names(): string[] {
    return [...this.breakers.keys()];
  }

  /** A stats snapshot of every breaker, in creation order. */
  list(): BreakerStats[] {
    return [...this.breakers.values()].map((breaker) => breaker.getStats());
  }

  /**
   * Resets one breaker to closed with its counters cleared.
   *
   * @throws Error naming the known breakers when none has this name.
   */
  reset(name: string): void {
    const breaker = this.breakers.get(name);
    if (breaker === undefined) throw new Error(unknownBreaker(name, this.names()));

    breaker.reset();
  }

  /** Resets every breaker. */
  resetAll(): void {
    for (const breaker of this.breakers.values()) breaker.reset();
  }

  /**
   * Records the options a decorator use gives a breaker, and creates the breaker so that
   * health checks and `list()` show it from start-up.
   *
   * @param site - Where the use sits, as `Class.method`, for error messages.
   * @throws Error when another use gave the same breaker different options.
   */
  declare(name: string, options: BreakerOptions | undefined, site: string): Breaker {
    const earlier = this.declarations.get(name);
    if (earlier !== undefined && !sameOptions(earlier.options, options)) {
      throw new Error(conflictingOptions(name, earlier.site, site));
    }
    if (earlier === undefined) this.declarations.set(name, { options, site });

    return this.get(name);
  }

  /** Stops the state-change stream and detaches from the breakers. */
  onModuleDestroy(): void {
    for (const breaker of this.breakers.values()) breaker.offStateChange(this.relay);
    this.changes.complete();
  }

  private create(name: string): Breaker {
    const breaker = new Breaker(name, this.optionsFor(name));

    breaker.onStateChange(this.relay);
    this.breakers.set(name, breaker);
    return breaker;
  }

  /** A breaker's options; those with none of their own share one resolved set. */
  private optionsFor(name: string): ResolvedBreakerOptions {
    // Own keys only: a breaker named "constructor" must not pick up Object.prototype's.
    const breakers = this.options.breakers;
    const own = breakers !== undefined && Object.hasOwn(breakers, name) ? breakers[name] : undefined;
    const declared = this.declarations.get(name)?.options;
    if (own === undefined && declared === undefined && this.sharedOptions !== null) {
      return this.sharedOptions;
    }

    const resolved = resolveBreakerOptions(
      name,
      { isFailure: isServerFailure },
      this.options.defaults,
      own,
      declared,
    );
    if (own === undefined && declared === undefined) this.sharedOptions = resolved;
    return resolved;
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

/** Checks the module options' shape and every option set in them, naming what is wrong. */
function checkModuleOptions(options: CircuitBreakerModuleOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(invalidModuleOptions('(options)', options, 'an object'));
  }
  for (const key of Object.keys(options)) {
    if (!MODULE_OPTION_KEYS.includes(key)) throw new TypeError(unknownModuleOption(key, MODULE_OPTION_KEYS));
  }

  validateBreakerOptions(DEFAULTS_OWNER, options.defaults);

  const { breakers, logger } = options;
  if (breakers !== undefined && (typeof breakers !== 'object' || breakers === null || Array.isArray(breakers))) {
    throw new TypeError(invalidModuleOptions('breakers', breakers, 'an object of options by breaker name'));
  }
  for (const [name, overrides] of Object.entries(breakers ?? {})) {
    assertBreakerName(name);
    validateBreakerOptions(breakerLabel(name), overrides);
  }

  if (logger !== undefined && logger !== false && typeof logger?.log !== 'function') {
    throw new TypeError(invalidModuleOptions('logger', logger, 'a LoggerService or false'));
  }
}

function sameOptions(a: BreakerOptions | undefined, b: BreakerOptions | undefined): boolean {
  const left = Object.entries(a ?? {}).filter(([, value]) => value !== undefined);
  const right = Object.entries(b ?? {}).filter(([, value]) => value !== undefined);

  return left.length === right.length && left.every(([key, value]) => (b as Record<string, unknown>)[key] === value);
}
