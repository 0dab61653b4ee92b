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

/** A class of errors, for {@link BreakerOptions.recordErrors} and `ignoreErrors`. */
export type ErrorClass = abstract new (...args: never[]) => unknown;

/**
 * The sliding window the rate rules read: the last `calls` calls, or the last `ms`
 * milliseconds kept in `buckets` buckets (default 10).
 */
export type WindowOptions =
  { readonly calls: number } | { readonly ms: number; readonly buckets?: number };

/** How the open duration grows while trial calls keep failing. */
export interface BackoffOptions {
  /** Each failed trial multiplies the open duration by this. A number ≥ 1; default 2. */
  readonly multiplier?: number;
  /** The longest open duration in ms, at least `timeout`. Whole number; required. */
  readonly maxTimeout: number;
  /**
   * Shortens each open duration by a random share of up to this fraction, so many instances
   * do not all retry at once. A number from 0 to 1; default 0.
   */
  readonly jitter?: number;
}

/** Options of one breaker. Every field is optional; durations are milliseconds. */
export interface BreakerOptions {
  /**
   * Consecutive failures while closed that open the breaker. Whole number ≥ 1; default 5, or
   * off when `failureRateThreshold` is set and this is not.
   */
  failureThreshold?: number;
  /**
   * Opens the breaker when failed calls reach this percentage of the window, once it holds
   * `minimumCalls` calls. A number above 0 up to 100; off by default.
   */
  failureRateThreshold?: number;
  /**
   * A call taking longer than this many ms counts as slow, even while it still runs. Whole
   * number; off by default.
   */
  slowCallDuration?: number;
  /** Opens the breaker when slow calls reach this percentage of the window. Above 0 up to 100; default 100 when `slowCallDuration` is set. */
  slowCallRateThreshold?: number;
  /**
   * Calls the window must hold before a rate rule may open the breaker. Whole number ≥ 1;
   * default 10, or the size of a smaller count window.
   */
  minimumCalls?: number;
  /** The window the rate rules read. Default: the last 100 calls. */
  window?: WindowOptions;
  /** Milliseconds open before trial calls; whole, 1 to 2^31-1. Default 30 000. */
  timeout?: number;
  /** Grows the open duration while trials keep failing; off by default. */
  backoff?: BackoffOptions;
  /** Trial successes in a row while half-open that close it. Whole number ≥ 1; default 2. */
  successThreshold?: number;
  /**
   * Trial calls that may run at once while half-open; the rest are refused. Whole number ≥ 1;
   * default 1.
   */
  halfOpenMaxCalls?: number;
  /**
   * A call still running after this many ms fails with a `CallTimeoutError`, counted as a
   * failure; its AbortSignal is aborted. Whole number ≥ 1; off by default.
   */
  callTimeout?: number;
  /** Errors that always count as failures (checked after `ignoreErrors`). */
  recordErrors?: readonly ErrorClass[];
  /** Errors that never count as failures (checked first). */
  ignoreErrors?: readonly ErrorClass[];
  /**
   * Decides whether an error that neither list names counts as a failure. An error it rejects
   * still reaches the caller but changes no failure count. An error for which it throws counts
   * as a failure. Default: every error counts.
   */
  isFailure?: (error: unknown) => boolean;
  /**
   * Answers in place of a call that failed, was refused or timed out (never for an ignored
   * error). It receives the error, then the call's arguments where there are any; its own
   * error reaches the caller. Off by default.
   */
  fallback?: (error: unknown, ...args: never[]) => unknown;
  /** Where the breaker reads time and sets its timers. Default: {@link monotonicClock}. */
  clock?: Clock;
  /** Random numbers in [0, 1) for backoff jitter. Default: `Math.random`. */
  random?: () => number;
}

/** Breaker options with every default applied; `null` marks a rule or feature that is off. */
export interface ResolvedBreakerOptions {
  readonly failureThreshold: number | null;
  readonly failureRateThreshold: number | null;
  readonly slowCallDuration: number | null;
  readonly slowCallRateThreshold: number;
  readonly minimumCalls: number;
  readonly window: WindowOptions;
  readonly timeout: number;
  readonly backoff: Required<BackoffOptions> | null;
  readonly successThreshold: number;
  readonly halfOpenMaxCalls: number;
  readonly callTimeout: number | null;
  readonly recordErrors: readonly ErrorClass[];
  readonly ignoreErrors: readonly ErrorClass[];
  readonly isFailure: (error: unknown) => boolean;
  readonly fallback: ((error: unknown, ...args: never[]) => unknown) | null;
  readonly clock: Clock;
  readonly random: () => number;
}

/** The defaults that apply where an option is not given. */
export const DEFAULT_BREAKER_OPTIONS: ResolvedBreakerOptions = Object.freeze({
  failureThreshold: 5,
  failureRateThreshold: null,
  slowCallDuration: null,
  slowCallRateThreshold: 100,
  minimumCalls: 10,
  window: Object.freeze({ calls: 100 }),
  timeout: 30_000,
  backoff: null,
  successThreshold: 2,
  halfOpenMaxCalls: 1,
  callTimeout: null,
  recordErrors: Object.freeze([]),
  ignoreErrors: Object.freeze([]),
  isFailure: () => true,
  fallback: null,
  clock: monotonicClock,
  random: Math.random,
});

const WHOLE_NUMBER = 'a whole number of at least 1';
/** Buckets of a time window when `window.buckets` is not given. */
const DEFAULT_BUCKETS = 10;
/** The longest delay a Node.js timer can wait; a longer one fires at once. */
const MAX_DELAY_MS = 2_147_483_647;
const DURATION = `a whole number of ms from 1 to ${MAX_DELAY_MS} (about 24.8 days)`;
const PERCENT = 'a percentage above 0 and at most 100';

type Check = (owner: string, option: string, value: unknown) => void;

const wholeNumber: Check = (owner, option, value) => {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new TypeError(notANumber(owner, option, value, WHOLE_NUMBER));
  }
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(outOfRange(owner, option, value, WHOLE_NUMBER));
  }
};

const duration: Check = (owner, option, value) => {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new TypeError(notANumber(owner, option, value, DURATION));
  }
  if (!Number.isSafeInteger(value) || value < 1 || value > MAX_DELAY_MS) {
    throw new RangeError(outOfRange(owner, option, value, DURATION));
  }
};

const percentage: Check = (owner, option, value) => {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new TypeError(notANumber(owner, option, value, PERCENT));
  }
  if (!(value > 0 && value <= 100)) throw new RangeError(outOfRange(owner, option, value, PERCENT));
};

const aFunction =
  (hint: string): Check =>
  (owner, option, value) => {
    if (typeof value !== 'function') throw new TypeError(notAFunction(owner, option, value, hint));
  };

const errorClasses: Check = (owner, option, value) => {
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'function')) {
    throw new TypeError(notAFunction(owner, option, value, 'an array of error classes'));
  }
};

const clock: Check = (owner, option, value) => {
  const candidate = value as Partial<Clock> | null;
  if (typeof candidate !== 'object' || candidate === null || typeof candidate.now !== 'function') {
    throw new TypeError(notAFunction(owner, option, value, 'an object with a now() method'));
  }
  if (candidate.setTimer !== undefined && typeof candidate.setTimer !== 'function') {
    throw new TypeError(
      notAFunction(owner, `${option}.setTimer`, candidate.setTimer, 'a function'),
    );
  }
};

const windowShape: Check = (owner, option, value) => {
  const given = value as Record<string, unknown> | null;
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    throw new TypeError(
      notAFunction(owner, option, value, 'an object { calls } or { ms, buckets? }'),
    );
  }
  const keys = Object.keys(given);
  if ('calls' in given) {
    checkKeys(owner, option, keys, ['calls']);
    wholeNumber(owner, `${option}.calls`, given.calls);
    return;
  }
  checkKeys(owner, option, keys, ['ms', 'buckets']);
  duration(owner, `${option}.ms`, given.ms);
  if (given.buckets !== undefined) wholeNumber(owner, `${option}.buckets`, given.buckets);
  const buckets = (given.buckets as number | undefined) ?? DEFAULT_BUCKETS;
  if (buckets > (given.ms as number)) {
    const expected = `at most ${option}.ms (${String(given.ms)}; the default is ${DEFAULT_BUCKETS}), so that each bucket spans 1 ms or more`;
    throw new RangeError(outOfRange(owner, `${option}.buckets`, buckets, expected));
  }
};

const backoffShape: Check = (owner, option, value) => {
  const given = value as Record<string, unknown> | null;
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    throw new TypeError(
      notAFunction(owner, option, value, 'an object { maxTimeout, multiplier?, jitter? }'),
    );
  }
  checkKeys(owner, option, Object.keys(given), ['maxTimeout', 'multiplier', 'jitter']);
  duration(owner, `${option}.maxTimeout`, given.maxTimeout);
  const { multiplier, jitter } = given;
  if (
    multiplier !== undefined &&
    (typeof multiplier !== 'number' || !(multiplier >= 1) || !Number.isFinite(multiplier))
  ) {
    const check = typeof multiplier === 'number' ? RangeError : TypeError;
    throw new check(
      outOfRange(
        owner,
        `${option}.multiplier`,
        multiplier as number,
        'a finite number of at least 1',
      ),
    );
  }
  if (jitter !== undefined && (typeof jitter !== 'number' || !(jitter >= 0 && jitter <= 1))) {
    const check = typeof jitter === 'number' ? RangeError : TypeError;
    throw new check(
      outOfRange(owner, `${option}.jitter`, jitter as number, 'a number from 0 to 1'),
    );
  }
};

/** How each option is checked; the keys are also the list of known options. */
const CHECKS: Readonly<Record<keyof BreakerOptions, Check>> = {
  failureThreshold: wholeNumber,
  failureRateThreshold: percentage,
  slowCallDuration: duration,
  slowCallRateThreshold: percentage,
  minimumCalls: wholeNumber,
  window: windowShape,
  timeout: duration,
  backoff: backoffShape,
  successThreshold: wholeNumber,
  halfOpenMaxCalls: wholeNumber,
  callTimeout: duration,
  recordErrors: errorClasses,
  ignoreErrors: errorClasses,
  isFailure: aFunction('a function (error) => boolean'),
  fallback: aFunction('a function (error, ...args) => value'),
  clock,
  random: aFunction('a function returning a number in [0, 1)'),
};

const KNOWN_OPTIONS: readonly string[] = Object.keys(CHECKS);

/** Option sets made by resolveBreakerOptions; frozen, so they stay valid once checked. */
const RESOLVED = new WeakSet<object>();

function checkKeys(
  owner: string,
  option: string,
  keys: readonly string[],
  known: readonly string[],
): void {
  for (const key of keys) {
    if (!known.includes(key)) throw new TypeError(unknownOption(owner, `${option}.${key}`, known));
  }
}

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
 * @throws TypeError for an unknown option, a value of the wrong type or shape.
 * @throws RangeError for a number out of its range, such as a fractional, zero or negative count.
 */
export function validateBreakerOptions(
  owner: string,
  options: unknown,
): asserts options is BreakerOptions {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(optionsNotAnObject(owner, options));
  }

  const given = options as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!Object.hasOwn(CHECKS, key)) throw new TypeError(unknownOption(owner, key, KNOWN_OPTIONS));

    const value = given[key];
    if (value !== undefined) CHECKS[key as keyof BreakerOptions](owner, key, value);
  }
}

/**
 * Validates and layers option sets, later ones winning, over {@link DEFAULT_BREAKER_OPTIONS}.
 *
 * @throws TypeError or RangeError as {@link validateBreakerOptions} does, naming the breaker,
 * and a RangeError when options contradict each other once layered.
 */
export function resolveBreakerOptions(
  name: string,
  ...layers: ReadonlyArray<BreakerOptions | undefined>
): ResolvedBreakerOptions {
  const given: Record<string, unknown> = {};

  for (const layer of layers) {
    validateBreakerOptions(breakerLabel(name), layer);
    if (layer === undefined) continue;
    for (const [key, value] of Object.entries(layer)) {
      if (value !== undefined) given[key] = value;
    }
  }

  const resolved = { ...DEFAULT_BREAKER_OPTIONS, ...given } as Record<string, unknown>;
  // The failure-rate rule replaces the consecutive rule unless both are asked for.
  if (given.failureThreshold === undefined && given.failureRateThreshold !== undefined) {
    resolved.failureThreshold = null;
  }
  const window = resolved.window as WindowOptions;
  const rateRuleOn = resolved.failureRateThreshold !== null || resolved.slowCallDuration !== null;
  // The default minimum shrinks to a smaller count window; a minimum given explicitly is kept
  // and checked.
  if (given.minimumCalls === undefined && 'calls' in window) {
    resolved.minimumCalls = Math.min(resolved.minimumCalls as number, window.calls);
  }
  if (rateRuleOn && 'calls' in window && (resolved.minimumCalls as number) > window.calls) {
    throw new RangeError(
      outOfRange(
        breakerLabel(name),
        'minimumCalls',
        resolved.minimumCalls as number,
        `at most window.calls (${window.calls}), or the rate rules could never open the breaker`,
      ),
    );
  }
  const backoff = given.backoff as BackoffOptions | undefined;
  if (backoff !== undefined) {
    if (backoff.maxTimeout < (resolved.timeout as number)) {
      throw new RangeError(
        outOfRange(
          breakerLabel(name),
          'backoff.maxTimeout',
          backoff.maxTimeout,
          `at least timeout (${String(resolved.timeout)})`,
        ),
      );
    }
    resolved.backoff = Object.freeze({ multiplier: 2, jitter: 0, ...backoff });
  }

  const frozen = Object.freeze(resolved) as unknown as ResolvedBreakerOptions;
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
