import { Observable } from 'rxjs';
import type { Breaker } from '../core/index.js';

/**
 * Runs an Observable through a breaker. Nothing is counted and no trial slot is taken until it
 * is subscribed; the first value or completion counts as a success, an error as a failure, and
 * an unsubscribe before either gives the slot back without counting.
 *
 * When the breaker refuses, the subscriber receives the `CircuitOpenError` and the source is
 * never subscribed.
 */
export function guardObservable<T>(breaker: Breaker, source: Observable<T>): Observable<T> {
  return new Observable<T>((subscriber) => {
    let permit;
    try {
      permit = breaker.acquire();
    } catch (refusal) {
      subscriber.error(refusal);
      return;
    }

    const inner = source.subscribe({
      next: (value) => {
        permit.succeed();
        subscriber.next(value);
      },
      error: (error: unknown) => {
        permit.fail(error);
        subscriber.error(error);
      },
      complete: () => {
        permit.succeed();
        subscriber.complete();
      },
    });

    return () => {
      inner.unsubscribe();
      // After an outcome this does nothing: a permit settles once.
      permit.release();
    };
  });
}
