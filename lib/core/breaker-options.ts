import type { Clock } from './clock.js';
import { monotonicClock } from './clock.js';
import {
  breakerLabel,
  invalidName,
  notAFunction,
  notANumber,
  optionsNotAnObject,
  outOfRange,
  unknownOption,
} from './messages.js';

/**
 * Options of one breaker. Every field is optional; durations are milliseconds.
 */
export interface BreakerOptions {
  /** Consecutive failures while closed that open the breaker. Whole number ≥ 1; default 5. */
  failureThreshold?: number;
  /** Milliseconds the breaker stays open before trial calls are allowed. Whole number ≥ 1; default 30 000. */
  timeout?: number;
  /** Trial successes in a row while half-open that close the breaker. Whole number ≥ 1; default 2. */
  successThreshold?: number;
  /** Trial calls that may run at once while half-open; the rest are refused. Whole number ≥ 1; default 1. */
  halfOpenMaxCalls?: number;
  /**
   * Decides whether an error counts as a failure. An error it rejects still reaches the caller
   * but changes no failure count. An error for which it throws counts as a failure. Default:
   * every error counts.
   */
  isFailure?: (error: unknown) => boolean;
  /** Where the breaker reads time. Default: {@link monotonicClock}. */
  clock?: Clock;
}

/** Breaker options with every default applied; see {@link resolveBreakerOptions}. */
export type ResolvedBreakerOptions = Readonly<Required<BreakerOptions>>;

/** The defaults that apply where an option is not given. */
export const DEFAULT_BREAKER_OPTIONS: ResolvedBreakerOptions = Object.freeze({
  failureThreshold: 5,
  timeout: 30_000,
  successThreshold: 2,
  halfOpenMaxCalls: 1,
  isFailure: () => true,
  clock: monotonicClock,
});

type CountOption = 'failureThreshold' | 'timeout' | 'successThreshold' | 'halfOpenMaxCalls';

const COUNT_OPTIONS: readonly CountOption[] = [
  'failureThreshold',
  'timeout',
  'successThreshold',
  'halfOpenMaxCalls',
];

const KNOWN_OPTIONS: readonly string[] = Object.keys(DEFAULT_BREAKER_OPTIONS);

const WHOLE_NUMBER = 'a whole number of at least 1';

/** Option sets made by resolveBreakerOptions; frozen, so they stay valid once checked. */
const RESOLVED = new WeakSet<object>();

/**
 * Checks a breaker name.
 *
 * @throws TypeError when the name is not a non-empty string.
 */
export function assertBreakerName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name.trim() === '') throw new TypeError(invalidName(name));
}

/**
 * Checks breaker options without applying defaults, so mistakes surface where the options
 * are written (a decorator, a module's configuration) rather than on the first call.
 *
 * `undefined` means "not given"; any other value must be valid.
 *
 * @param owner - Starts every error message, e.g. `Circuit breaker "model-api"`.
 *
 * @throws TypeError for an unknown option, a non-number count or a non-function hook.
 * @throws RangeError for a count that is fractional, below 1 or not finite.
 */
export function validateBreakerOptions(owner: string, options: unknown): asserts options is BreakerOptions {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(optionsNotAnObject(owner, options));
  }

  const given = options as Record<string, unknown>;

  for (const key of Object.keys(given)) {
    if (!KNOWN_OPTIONS.includes(key)) throw new TypeError(unknownOption(owner, key, KNOWN_OPTIONS));
  }

  for (const option of COUNT_OPTIONS) {
    const value = given[option];
    if (value === undefined) continue;
    if (typeof value !== 'number' || Number.isNaN(value)) {
      throw new TypeError(notANumber(owner, option, value, WHOLE_NUMBER));
    }
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new RangeError(outOfRange(owner, option, value, WHOLE_NUMBER));
    }
  }

  if (given.isFailure !== undefined && typeof given.isFailure !== 'function') {
    throw new TypeError(notAFunction(owner, 'isFailure', given.isFailure, 'a function (error) => boolean'));
  }

  const clock = given.clock as Clock | undefined;
  if (clock !== undefined && (typeof clock !== 'object' || clock === null || typeof clock.now !== 'function')) {
    throw new TypeError(notAFunction(owner, 'clock', clock, 'an object with a now() method'));
  }
}

/**
 * Validates and layers option sets, later ones winning, over {@link DEFAULT_BREAKER_OPTIONS}.
 *
 * @throws TypeError or RangeError as {@link validateBreakerOptions} does, naming the breaker.
 */
export function resolveBreakerOptions(
  name: string,
  ...layers: ReadonlyArray<BreakerOptions | undefined>
): ResolvedBreakerOptions {
  const resolved: Record<string, unknown> = { ...DEFAULT_BREAKER_OPTIONS };

  for (const layer of layers) {
    validateBreakerOptions(breakerLabel(name), layer);
    if (layer === undefined) continue;
    for (const [key, value] of Object.entries(layer)) {
      if (value !== undefined) resolved[key] = value;
    }
  }

  const frozen = Object.freeze(resolved) as ResolvedBreakerOptions;
  RESOLVED.add(frozen);
  return frozen;
}

/**
 * Whether `options` came from {@link resolveBreakerOptions}: already checked and complete, so
 * breakers built from it can share it instead of each keeping a copy.
 */
export function isResolvedOptions(options: unknown): options is ResolvedBreakerOptions {
  return typeof options === 'object' && options !== null && RESOLVED.has(options);
}
