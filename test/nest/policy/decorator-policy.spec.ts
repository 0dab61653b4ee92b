import 'reflect-metadata';
import { Injectable } from '@nestjs/common';
import { isObservable, NEVER, Observable, lastValueFrom, throwError } from 'rxjs';
import {
  BreakerRegistry,
  CallTimeoutError,
  CircuitBreaker,
  CircuitBreakerModule,
  CircuitOpenError,
} from 'nestjs-circuit-breaker';
import { fakeClock, type FakeClock } from '../../support/fake-clock.js';
import { NestApps } from '../fixtures/nest-apps.js';

/** A client whose calls fail on demand, with fallbacks of every kind. */
@Injectable()
class QuoteClient {
  failing = true;
  readonly cache = 'cached';

  @CircuitBreaker('quotes', { failureThreshold: 2, fallback: 'fromCache' })
  async quote(symbol: string): Promise<string> {
    if (this.failing) throw new Error(`quote service down for ${symbol}`);
    return `live ${symbol}`;
  }

  fromCache(error: unknown, symbol: string): string {
    return `${this.cache} ${symbol} (${error instanceof CircuitOpenError ? 'refused' : 'failed'})`;
  }

  @CircuitBreaker('rates', {
    fallback: (_error: unknown, currency: string) => `no rate for ${currency}`,
  })
  rate(currency: string): number {
    throw new Error(`rates down for ${currency}`);
  }

  @CircuitBreaker('stream', { failureThreshold: 1, fallback: 'streamFallback' })
  stream(): Observable<string> {
    return throwError(() => new Error('stream down'));
  }

  streamFallback(): string {
    return 'stream fallback';
  }

  @CircuitBreaker('broken-fallback', { fallback: 'failingFallback' })
  async broken(): Promise<string> {
    throw new Error('down');
  }

  failingFallback(): never {
    throw new Error('the fallback failed too');
  }
}

/** A client on breakers with a call timeout. */
@Injectable()
class SlowClient {
  @CircuitBreaker('slow')
  hang(): Promise<string> {
    return new Promise(() => undefined);
  }

  @CircuitBreaker('slow-stream')
  hangStream(): Observable<string> {
    return NEVER;
  }
}

describe('@CircuitBreaker() with policy options', () => {
  const apps = new NestApps();
  let clock: FakeClock;
  let registry: BreakerRegistry;
  let quotes: QuoteClient;
  let slow: SlowClient;

  beforeEach(async () => {
    clock = fakeClock();
    const moduleRef = await apps.context({
      imports: [
        CircuitBreakerModule.forRoot({
          defaults: { clock },
          breakers: {
            slow: { callTimeout: 500 },
            'slow-stream': { callTimeout: 500 },
          },
          logger: false,
        }),
      ],
      providers: [QuoteClient, SlowClient],
    });
    registry = moduleRef.get(BreakerRegistry);
    quotes = moduleRef.get(QuoteClient);
    slow = moduleRef.get(SlowClient);
  });

  afterEach(() => apps.closeAll());

  describe('with a fallback method named', () => {
    it("answers a failed call with the method's value, given this, the error and the arguments", async () => {
      await expect(quotes.quote('ACME')).resolves.toBe('cached ACME (failed)');
    });

    it('still counts the failure', async () => {
      await quotes.quote('ACME');

      expect(registry.get('quotes').getStats()).toMatchObject({ failures: 1 });
    });

    it('answers a refused call without running the method', async () => {
      await quotes.quote('ACME');
      await quotes.quote('ACME');
      quotes.failing = false;

      await expect(quotes.quote('ACME')).resolves.toBe('cached ACME (refused)');
      expect(registry.get('quotes').getStats().rejections).toBe(1);
    });

    it('lets a success through untouched', async () => {
      quotes.failing = false;

      await expect(quotes.quote('ACME')).resolves.toBe('live ACME');
    });

    it("passes the fallback's own error to the caller", async () => {
      await expect(quotes.broken()).rejects.toThrow('the fallback failed too');
    });

    it('fails when the class is defined if the class has no such method', () => {
      const define = () => {
        class Broken {
          @CircuitBreaker('x', { fallback: 'missing' })
          call(): void {}
        }
        return Broken;
      };

      expect(define).toThrow(
        /option "fallback" names method "missing", which the class does not have/,
      );
    });
  });

  describe('with a fallback function', () => {
    it('answers a failed synchronous call synchronously with its value', () => {
      expect(quotes.rate('EUR')).toBe('no rate for EUR');
    });
  });

  describe("with the breaker's own fallback option", () => {
    it('answers for a decorated method, given the error and the arguments', async () => {
      @Injectable()
      class Plain {
        @CircuitBreaker('breaker-fallback')
        async call(_name: string): Promise<string> {
          throw new Error('down');
        }
      }
      const moduleRef = await apps.context({
        imports: [
          CircuitBreakerModule.forRoot({
            breakers: {
              'breaker-fallback': {
                fallback: (_error: unknown, name: string) => `fallback for ${name}`,
              },
            },
            logger: false,
          }),
        ],
        providers: [Plain],
      });

      await expect(moduleRef.get(Plain).call('ada')).resolves.toBe('fallback for ada');
    });
  });

  describe('on a method returning an Observable, with a fallback', () => {
    it('emits the fallback instead of a counted error', async () => {
      await expect(lastValueFrom(quotes.stream())).resolves.toBe('stream fallback');
    });

    it('emits the fallback instead of a refusal', async () => {
      await lastValueFrom(quotes.stream());
      const refused = quotes.stream();

      expect(isObservable(refused)).toBe(true);
      await expect(lastValueFrom(refused)).resolves.toBe('stream fallback');
      expect(registry.get('stream').getStats().rejections).toBe(1);
    });
  });

  describe('with a call timeout', () => {
    it('rejects a call still running at the timeout with CallTimeoutError, counted as a failure', async () => {
      const call = slow.hang();

      clock.advance(500);

      await expect(call).rejects.toBeInstanceOf(CallTimeoutError);
      expect(registry.get('slow').getStats()).toMatchObject({ failures: 1, timeouts: 1 });
    });

    it('unsubscribes an Observable with no value by the timeout and errors with CallTimeoutError', async () => {
      const result = lastValueFrom(slow.hangStream());

      clock.advance(500);

      await expect(result).rejects.toBeInstanceOf(CallTimeoutError);
      expect(registry.get('slow-stream').getStats()).toMatchObject({ failures: 1, timeouts: 1 });
    });
  });
});
