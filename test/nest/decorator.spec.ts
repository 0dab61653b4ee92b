import 'reflect-metadata';
import {
  Controller,
  Get,
  Injectable,
  Param,
  Scope,
  SetMetadata,
  UseInterceptors,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { TestingModule } from '@nestjs/testing';
import { EMPTY, NEVER, Observable, of, Subject, throwError } from 'rxjs';
import request from 'supertest';
import {
  BreakerRegistry,
  CircuitBreaker,
  CircuitBreakerInterceptor,
  CircuitBreakerModule,
  CircuitOpenError,
} from 'nestjs-circuit-breaker';
import { fakeClock, type FakeClock } from '../support/fake-clock.js';
import { NestApps } from './fixtures/nest-apps.js';

const TIMEOUT = 1_000;

/** Reads an instance field in its guarded method. */
@Injectable()
class GreetingClient {
  private readonly greeting = 'hello';

  @CircuitBreaker('greeting')
  greet(name: string): string {
    return `${this.greeting} ${name}`;
  }
}

/** One guarded method per kind of result: a plain value, a Promise and an Observable. */
@Injectable()
class KindsClient {
  @CircuitBreaker('value')
  value(outcome: number | Error): number {
    if (outcome instanceof Error) throw outcome;
    return outcome;
  }

  @CircuitBreaker('promise')
  async promise(outcome: string | Error): Promise<string> {
    if (outcome instanceof Error) throw outcome;
    return outcome;
  }

  @CircuitBreaker('stream')
  stream<T>(source: Observable<T>): Observable<T> {
    return source;
  }

  // No declared return type: the decorator can only learn the kind from the first result.
  @CircuitBreaker('untyped-stream')
  untypedStream<T>(source: Observable<T>) {
    return source;
  }

  @CircuitBreaker('untyped-promise')
  untypedPromise(value: string) {
    return Promise.resolve(value);
  }

  @CircuitBreaker('strict', { failureThreshold: 2 })
  strict(): never {
    throw new Error('strict down');
  }
}

/** Guarded methods with SetMetadata applied after and before @CircuitBreaker. */
@Injectable()
class TaggedClient {
  @SetMetadata('role', 'above')
  @CircuitBreaker('tagged')
  above(): string {
    return 'above';
  }

  @CircuitBreaker('tagged')
  @SetMetadata('role', 'below')
  below(): string {
    return 'below';
  }
}

/** Guarded controller methods with the route decorator after and before @CircuitBreaker. */
@Controller('routes')
class RoutesController {
  @Get('above')
  @CircuitBreaker('routes')
  above(): { route: string } {
    return { route: 'above' };
  }

  @CircuitBreaker('routes')
  @Get('below')
  below(): { route: string } {
    return { route: 'below' };
  }
}

/** A request-scoped client: Nest builds one per HTTP request. */
@Injectable({ scope: Scope.REQUEST })
class InventoryClient {
  static readonly instances = new Set<InventoryClient>();

  constructor() {
    InventoryClient.instances.add(this);
  }

  @CircuitBreaker('inventory')
  async stock(sku: string): Promise<{ sku: string; count: number }> {
    if (sku === 'broken') throw new Error('inventory down');
    return { sku, count: 3 };
  }
}

@Controller('stock')
@UseInterceptors(CircuitBreakerInterceptor)
class StockController {
  constructor(private readonly inventory: InventoryClient) {}

  @Get(':sku')
  stock(@Param('sku') sku: string) {
    return this.inventory.stock(sku);
  }
}

/** A transient client: every provider that injects it gets its own instance. */
@Injectable({ scope: Scope.TRANSIENT })
class MailClient {
  @CircuitBreaker('mail')
  send(outcome: string | Error): string {
    if (outcome instanceof Error) throw outcome;
    return outcome;
  }
}

@Injectable()
class SignupMailer {
  constructor(readonly mail: MailClient) {}
}

@Injectable()
class ResetMailer {
  constructor(readonly mail: MailClient) {}
}

/** Swallows what a synchronous call throws; the test looks at the breaker instead. */
function ignoreError(call: () => unknown): void {
  try {
    call();
  } catch {
    // The breaker's reaction is under test, not the error.
  }
}

describe('@CircuitBreaker()', () => {
  const apps = new NestApps();
  let clock: FakeClock;
  let moduleRef: TestingModule;
  let registry: BreakerRegistry;
  let kinds: KindsClient;

  beforeEach(async () => {
    clock = fakeClock();
    moduleRef = await apps.context({
      imports: [
        CircuitBreakerModule.forRoot({
          defaults: { failureThreshold: 1, timeout: TIMEOUT, clock },
          logger: false,
        }),
      ],
      providers: [GreetingClient, KindsClient, TaggedClient, MailClient, SignupMailer, ResetMailer],
    });
    registry = moduleRef.get(BreakerRegistry);
    kinds = moduleRef.get(KindsClient);
  });

  afterEach(() => apps.closeAll());

  /** Opens a breaker, then lets its timeout pass so it is half-open. */
  function halfOpen(name: string): void {
    registry.get(name).recordFailure(new Error('down'));
    clock.advance(TIMEOUT);
    expect(registry.get(name).state).toBe('half-open');
  }

  const stats = (name: string) => registry.get(name).getStats();

  describe('on a provider method', () => {
    it('runs the method with the instance as `this`', () => {
      expect(moduleRef.get(GreetingClient).greet('ada')).toBe('hello ada');
    });

    it('keeps the method name', () => {
      expect(GreetingClient.prototype.greet.name).toBe('greet');
    });

    it('keeps metadata set by a decorator applied after it', () => {
      expect(new Reflector().get('role', TaggedClient.prototype.above)).toBe('above');
    });

    it('keeps metadata set by a decorator applied before it', () => {
      expect(Reflect.getMetadata('role', TaggedClient.prototype.below)).toBe('below');
    });
  });

  describe('on an instance made with `new`', () => {
    it('throws an Error telling to create it through Nest with CircuitBreakerModule imported', () => {
      const client = new GreetingClient();

      expect(() => client.greet('ada')).toThrow(/Create it through Nest \(not with `new`\)/);
      expect(() => client.greet('ada')).toThrow(/imports CircuitBreakerModule\.forRoot\(\)/);
    });
  });

  describe('with options of its own', () => {
    it('opens after its own failureThreshold of 2, over the module default of 1', () => {
      ignoreError(() => kinds.strict());
      expect(stats('strict').state).toBe('closed');

      ignoreError(() => kinds.strict());

      expect(stats('strict').state).toBe('open');
    });
  });

  describe('on a method returning a plain value', () => {
    it('returns the value synchronously, not a Promise, and counts a success', () => {
      const result = kinds.value(42);

      expect(result).toBe(42);
      expect(stats('value')).toMatchObject({ calls: 1, successes: 1 });
    });

    it('throws the error synchronously and counts a failure', () => {
      const error = new Error('value down');

      expect(() => kinds.value(error)).toThrow(error);
      expect(stats('value')).toMatchObject({ calls: 1, failures: 1 });
    });

    it('throws CircuitOpenError synchronously when the breaker refuses, without running the method', () => {
      registry.get('value').recordFailure();

      expect(() => kinds.value(42)).toThrow(CircuitOpenError);
      expect(stats('value')).toMatchObject({ calls: 0, rejections: 1 });
    });
  });

  describe('on a method returning a Promise', () => {
    it('resolves to the value and counts a success', async () => {
      await expect(kinds.promise('stocked')).resolves.toBe('stocked');
      expect(stats('promise')).toMatchObject({ calls: 1, successes: 1 });
    });

    it('rejects with the error and counts a failure', async () => {
      const error = new Error('promise down');

      await expect(kinds.promise(error)).rejects.toBe(error);
      expect(stats('promise')).toMatchObject({ calls: 1, failures: 1 });
    });

    it('returns a Promise rejected with CircuitOpenError when the breaker refuses', async () => {
      registry.get('promise').recordFailure();

      const call = kinds.promise('stocked');

      expect(call).toBeInstanceOf(Promise);
      await expect(call).rejects.toBeInstanceOf(CircuitOpenError);
    });

    // Without a declared return type or `async`, the kind is learnt from the first result; a
    // refusal before that throws, the one form every caller (sync, Promise, Observable) sees.
    it('throws on a refused first call, without a declared type', () => {
      registry.get('untyped-promise').recordFailure();

      expect(() => kinds.untypedPromise('stocked')).toThrow(CircuitOpenError);
    });

    it('rejects a refused call once a first result showed a Promise, without a declared type', async () => {
      await kinds.untypedPromise('stocked');
      registry.get('untyped-promise').recordFailure();

      const call = kinds.untypedPromise('stocked');

      expect(call).toBeInstanceOf(Promise);
      await expect(call).rejects.toBeInstanceOf(CircuitOpenError);
    });
  });

  describe('on a method returning an Observable', () => {
    it('counts nothing until the Observable is subscribed', () => {
      kinds.stream(of('quote'));

      expect(stats('stream').calls).toBe(0);
    });

    it('takes no trial slot until the Observable is subscribed', () => {
      halfOpen('stream');
      const quote = kinds.stream(NEVER);
      kinds.stream(NEVER);
      expect(stats('stream').trialsInFlight).toBe(0);

      const subscription = quote.subscribe();

      expect(stats('stream').trialsInFlight).toBe(1);
      subscription.unsubscribe();
    });

    it('counts the first value as a success, once', () => {
      const source = new Subject<string>();
      const subscription = kinds.stream(source).subscribe();

      source.next('first');
      expect(stats('stream').successes).toBe(1);
      source.next('second');

      expect(stats('stream').successes).toBe(1);
      subscription.unsubscribe();
    });

    it('counts completion without a value as a success', () => {
      kinds.stream(EMPTY).subscribe();

      expect(stats('stream')).toMatchObject({ calls: 1, successes: 1, failures: 0 });
    });

    it('counts an error as a failure and passes it to the subscriber', () => {
      const error = new Error('stream down');
      const received: unknown[] = [];

      kinds.stream(throwError(() => error)).subscribe({ error: (e: unknown) => received.push(e) });

      expect(received).toEqual([error]);
      expect(stats('stream')).toMatchObject({ calls: 1, failures: 1, state: 'open' });
    });

    it('leaves calls admitted after a reset counted when an earlier one unsubscribes', () => {
      const early = kinds.stream(NEVER).subscribe();
      registry.reset('stream');
      const late = kinds.stream(NEVER).subscribe();

      early.unsubscribe();

      expect(stats('stream').calls).toBe(1);
      late.unsubscribe();
    });

    it('gives the trial slot back without counting when unsubscribed before any value', () => {
      halfOpen('stream');
      const refused: unknown[] = [];
      const first = kinds.stream(NEVER).subscribe();
      kinds.stream(NEVER).subscribe({ error: (e: unknown) => refused.push(e) });
      expect(refused).toEqual([expect.any(CircuitOpenError)]);

      const before = stats('stream');
      first.unsubscribe();
      expect(stats('stream')).toMatchObject({
        trialsInFlight: 0,
        successes: before.successes,
        failures: before.failures,
        state: 'half-open',
      });
      const second = kinds.stream(NEVER).subscribe();

      expect(stats('stream').trialsInFlight).toBe(1);
      second.unsubscribe();
    });

    it('counts nothing until subscribed, without a declared return type', () => {
      kinds.untypedStream(of('quote'));

      expect(stats('untyped-stream').calls).toBe(0);
    });
  });

  describe('on a transient provider', () => {
    it('shares the breaker by name between the instances of each consumer', () => {
      const signup = moduleRef.get(SignupMailer).mail;
      const reset = moduleRef.get(ResetMailer).mail;
      expect(signup).not.toBe(reset);

      ignoreError(() => signup.send(new Error('smtp down')));

      expect(() => reset.send('sent')).toThrow(CircuitOpenError);
    });
  });
});

describe('@CircuitBreaker() over HTTP', () => {
  const apps = new NestApps();
  afterEach(() => apps.closeAll());

  async function startHttp() {
    return apps.http({
      imports: [CircuitBreakerModule.forRoot({ defaults: { failureThreshold: 2 }, logger: false })],
      controllers: [RoutesController, StockController],
      providers: [InventoryClient],
    });
  }

  describe('on a controller method', () => {
    it('routes with @Get applied after it', async () => {
      const app = await startHttp();

      await request(app.getHttpServer()).get('/routes/above').expect(200, { route: 'above' });
      expect(app.get(BreakerRegistry).get('routes').getStats().successes).toBe(1);
    });

    it('routes with @Get applied before it', async () => {
      const app = await startHttp();

      await request(app.getHttpServer()).get('/routes/below').expect(200, { route: 'below' });
      expect(app.get(BreakerRegistry).get('routes').getStats().successes).toBe(1);
    });
  });

  describe('on a request-scoped provider', () => {
    it('shares the breaker across requests, each served by a new instance', async () => {
      const app = await startHttp();
      const server = app.getHttpServer();
      InventoryClient.instances.clear();

      await request(server).get('/stock/widget').expect(200, { sku: 'widget', count: 3 });
      await request(server).get('/stock/broken').expect(500);
      await request(server).get('/stock/broken').expect(500);
      const refused = await request(server).get('/stock/widget');

      expect(refused.status).toBe(503);
      expect(refused.body).toMatchObject({ breaker: 'inventory' });
      expect(InventoryClient.instances.size).toBe(4);
    });
  });
});
