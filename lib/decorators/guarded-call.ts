import { isObservable, throwError } from 'rxjs';
import type { Breaker } from '../core/index.js';
import type { BoundFallback } from '../core/breaker.js';
import { isThenable, REFUSED } from '../core/breaker.js';
import { guardObservable } from '../utils/guard-observable.js';

/** What a guarded method returns; learnt from its declared type or its first result. */
export type ResultKind = 'unknown' | 'value' | 'promise' | 'observable';

/** What a guarded method is known to return, shared by its calls. */
export interface KnownResult {
  kind: ResultKind;
}

/** A decorated method, or its fallback method. */
export type AnyMethod = (...args: unknown[]) => unknown;

/**
 * Runs one call of a decorated method through `breaker`, keeping the method's own shape: a
 * value stays synchronous, a Promise is watched, an Observable is guarded per subscription.
 * The result's kind is learnt on the way.
 *
 * @param fallback - The use's fallback method or function, called with `self` as `this`, the
 * error, then the call's arguments; `null` falls back to the breaker's own `fallback` option.
 */
export function callThrough(
  breaker: Breaker,
  original: AnyMethod,
  self: unknown,
  args: ArrayLike<unknown>,
  known: KnownResult,
  fallback: AnyMethod | null,
): unknown {
  const answer = boundFallback(breaker, fallback, self, args);

  if (known.kind === 'observable') {
    const source = original.apply(self, args as unknown[]);
    return isObservable(source) ? guardObservable(breaker, source, answer) : source;
  }
  if (answer !== null || !breaker.plain)
    return callWithBookkeeping(breaker, original, self, args, known, answer);

  return callPlain(breaker, original, self, args, known);
}

/**
 * The hot path, for a breaker and a use with no bookkeeping: nothing is allocated per call
 * beyond what the method itself returns.
 */
export function callPlain(
  breaker: Breaker,
  original: AnyMethod,
  self: unknown,
  args: ArrayLike<unknown>,
  known: KnownResult,
): unknown {
  const ticket = breaker.admit();
  if (ticket === REFUSED) return failWithout(known.kind, breaker.refusal());

  let result: unknown;
  try {
    result = original.apply(self, args as unknown[]);
  } catch (error) {
    breaker.settleError(ticket, error);
    throw error;
  }

  if (isThenable(result)) {
    known.kind = 'promise';
    return breaker.watch(ticket, result);
  }
  if (isObservable(result)) {
    // The method built the Observable without running it: count from its subscription on.
    known.kind = 'observable';
    breaker.release(ticket);
    return guardObservable(breaker, result);
  }

  known.kind = 'value';
  breaker.settleSuccess(ticket);
  return result;
}

/** The slower path, for a fallback, call timeouts, slow-call timers or event listeners. */
function callWithBookkeeping(
  breaker: Breaker,
  original: AnyMethod,
  self: unknown,
  args: ArrayLike<unknown>,
  known: KnownResult,
  answer: BoundFallback,
): unknown {
  let stream = false;
  const result = breaker.invoke(
    () => original.apply(self, args as unknown[]),
    answer,
    known.kind === 'promise',
    (raw) => {
      stream = isObservable(raw);
      known.kind = stream ? 'observable' : isThenable(raw) ? 'promise' : 'value';
      return stream;
    },
  );

  return stream ? guardObservable(breaker, result as never, answer) : result;
}

/** The fallback of one call, if the use or the breaker has one. */
function boundFallback(
  breaker: Breaker,
  fallback: AnyMethod | null,
  self: unknown,
  args: ArrayLike<unknown>,
): BoundFallback {
  if (fallback !== null) return (error) => fallback.call(self, error, ...Array.from(args));

  const own = breaker.options.fallback as AnyMethod | null;
  return own === null ? null : (error) => own.call(self, error, ...Array.from(args));
}

/**
 * Ends a call that cannot run, in the form its caller expects: a rejected Promise, an
 * Observable that errors, or a synchronous throw while the method's kind is unknown.
 */
export function failWithout(kind: ResultKind, error: unknown): unknown {
  if (kind === 'promise') return Promise.reject(error);
  if (kind === 'observable') return throwError(() => error);
  throw error;
}
