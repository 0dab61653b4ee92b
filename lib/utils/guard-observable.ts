import type { Subscription } from 'rxjs';
import { from, isObservable, Observable, of } from 'rxjs';
import type { Breaker, BreakerPermit } from '../core/index.js';

/** Answers for a failed, refused or timed-out subscription: a value, a Promise or an Observable. */
export type ObservableFallback = (error: unknown) => unknown;

/**
 * Runs an Observable through a breaker. Nothing is counted and no trial slot is taken until it
 * is subscribed; the first value or completion counts as a success, an error as a failure, and
 * an unsubscribe before either gives the slot back without counting. With a `callTimeout`, a
 * subscription with no value by then is unsubscribed and errors with the `CallTimeoutError`.
 *
 * When the breaker refuses, the subscriber receives the `CircuitOpenError` and the source is
 * never subscribed. With a `fallback`, the subscriber receives what it answers instead of a
 * refusal, a timeout or an error that counted as a failure.
 */
export function guardObservable<T>(
  breaker: Breaker,
  source: Observable<T>,
  fallback: ObservableFallback | null = null,
): Observable<T> {
  return new Observable<T>((subscriber) => {
    let answered: Subscription | undefined;
    const answer = (error: unknown, counted: boolean) => {
      if (fallback === null || !counted) {
        subscriber.error(error);
        return;
      }
      try {
        answered = toObservable<T>(fallback(error)).subscribe(subscriber);
      } catch (fallbackError) {
        subscriber.error(fallbackError);
      }
    };

    let permit: BreakerPermit;
    try {
      permit = breaker.acquire();
    } catch (refusal) {
      answer(refusal, true);
      return () => answered?.unsubscribe();
    }

    const inner = source.subscribe({
      next: (value) => {
        permit.succeed();
        subscriber.next(value);
      },
      error: (error: unknown) => answer(error, permit.fail(error)),
      complete: () => {
        permit.succeed();
        subscriber.complete();
      },
    });

    const signal = permit.signal;
    const onTimeout = () => {
      inner.unsubscribe();
      answer(signal!.reason, true);
    };
    signal?.addEventListener('abort', onTimeout, { once: true });

    return () => {
      signal?.removeEventListener('abort', onTimeout);
      inner.unsubscribe();
      answered?.unsubscribe();
      // After an outcome this does nothing: a permit settles once.
      permit.release();
    };
  });
}

function toObservable<T>(value: unknown): Observable<T> {
  if (isObservable(value)) return value as Observable<T>;
  if (typeof (value as PromiseLike<T> | null)?.then === 'function')
    return from(value as PromiseLike<T>);
  return of(value as T);
}
