import 'reflect-metadata';
import {
  HttpException,
  Injectable,
  type LoggerService,
  InternalServerErrorException,
  NotFoundException,
} from '@nestjs/common';
import type { TestingModule } from '@nestjs/testing';
import {
  BreakerRegistry,
  CircuitBreaker,
  CircuitBreakerModule,
  type CircuitBreakerModuleOptions,
  type StateChange,
} from 'nestjs-circuit-breaker';
import { fakeClock, type FakeClock } from '../support/fake-clock.js';
import { NestApps } from './fixtures/nest-apps.js';
import { PAYMENTS, PaymentsClient } from './fixtures/payments-client.js';
import { PrintedLinesLogger, RecordingLogger } from './fixtures/recording-logger.js';

const TIMEOUT = 1_000;

/** A provider that only needs the registry, as an admin or status endpoint would. */
@Injectable()
class BreakerAdmin {
  constructor(readonly registry: BreakerRegistry) {}
}

/** A second decorated provider, so the registry holds more than one declared breaker. */
@Injectable()
class ShippingClient {
  @CircuitBreaker('shipping')
  quote(): number {
    return 12;
  }
}

/** Catches what a call throws, for tests about the error itself. */
function thrownBy(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

describe('BreakerRegistry', () => {
  const apps = new NestApps();
  let clock: FakeClock;
  let moduleRef: TestingModule;
  let registry: BreakerRegistry;
  let payments: PaymentsClient;

  /**
   * Starts an application whose breakers open on the second failure and read the fake clock.
   * The module logs nothing unless `options` sets `logger`; `nestLogger` replaces Nest's own.
   */
  async function start(
    options: CircuitBreakerModuleOptions = {},
    nestLogger?: LoggerService,
  ): Promise<void> {
    clock = fakeClock();
    moduleRef = await apps.context(
      {
        imports: [
          CircuitBreakerModule.forRoot({
            logger: false,
            ...options,
            defaults: { failureThreshold: 2, timeout: TIMEOUT, clock, ...options.defaults },
          }),
        ],
        providers: [PaymentsClient, ShippingClient, BreakerAdmin],
      },
      (builder) => (nestLogger === undefined ? builder : builder.setLogger(nestLogger)),
    );
    registry = moduleRef.get(BreakerRegistry);
    payments = moduleRef.get(PaymentsClient);
  }

  /** Moves the payments breaker from closed through open and half-open back to closed. */
  function cycle(): void {
    payments.failTimes(2);
    clock.advance(TIMEOUT);
    payments.charge('trial 1');
    payments.charge('trial 2');
  }

  afterEach(() => apps.closeAll());

  describe('as a provider', () => {
    it('is injectable into any provider of the application, as one instance', async () => {
      await start();

      expect(moduleRef.get(BreakerAdmin).registry).toBe(registry);
    });
  });

  describe('get()', () => {
    it('creates an unknown breaker on first use from the defaults and the per-name overrides', async () => {
      await start({ defaults: { successThreshold: 3 }, breakers: { reports: { timeout: 9_000 } } });
      expect(registry.has('reports')).toBe(false);

      const breaker = registry.get('reports');

      expect(breaker.options).toMatchObject({
        failureThreshold: 2,
        successThreshold: 3,
        timeout: 9_000,
      });
      expect(registry.has('reports')).toBe(true);
    });

    it('returns the same breaker on every later call', async () => {
      await start();

      expect(registry.get('reports')).toBe(registry.get('reports'));
    });
  });

  describe('names() and has()', () => {
    it('names every breaker in creation order, declared ones first', async () => {
      await start();
      registry.get('reports');

      expect(registry.names()).toEqual([PAYMENTS, 'shipping', 'reports']);
    });

    it('tells a breaker that exists from one that was never used', async () => {
      await start();

      expect([registry.has(PAYMENTS), registry.has('never-used')]).toEqual([true, false]);
    });
  });

  describe('list()', () => {
    it('gives a stats snapshot of every breaker', async () => {
      await start();
      payments.charge('paid');
      payments.failTimes(2);

      expect(registry.list()).toEqual([
        expect.objectContaining({
          name: PAYMENTS,
          state: 'open',
          calls: 3,
          successes: 1,
          failures: 2,
        }),
        expect.objectContaining({ name: 'shipping', state: 'closed', calls: 0 }),
      ]);
    });

    it('shows the breakers declared by @CircuitBreaker right after init, before any call', async () => {
      await start();

      expect(registry.list()).toEqual([
        expect.objectContaining({ name: PAYMENTS, state: 'closed', calls: 0 }),
        expect.objectContaining({ name: 'shipping', state: 'closed', calls: 0 }),
      ]);
    });
  });

  describe('reset()', () => {
    it('closes the named breaker and clears its counters', async () => {
      await start();
      payments.failTimes(3);

      registry.reset(PAYMENTS);

      expect(registry.get(PAYMENTS).getStats()).toMatchObject({
        state: 'closed',
        calls: 0,
        failures: 0,
        rejections: 0,
        consecutiveFailures: 0,
        openedAt: null,
      });
    });

    it('leaves the other breakers as they were', async () => {
      await start();
      moduleRef.get(ShippingClient).quote();

      registry.reset(PAYMENTS);

      expect(registry.get('shipping').getStats().calls).toBe(1);
    });

    it('throws for an unknown name, naming the known breakers', async () => {
      await start();

      expect(() => registry.reset('payment')).toThrow(
        'No circuit breaker is named "payment". Known breakers: "payments", "shipping".',
      );
    });
  });

  describe('resetAll()', () => {
    it('closes every breaker', async () => {
      await start();
      payments.failTimes(2);
      registry.get('reports').recordFailure();
      registry.get('reports').recordFailure();

      registry.resetAll();

      expect(registry.list().map((stats) => [stats.name, stats.state, stats.failures])).toEqual([
        [PAYMENTS, 'closed', 0],
        ['shipping', 'closed', 0],
        ['reports', 'closed', 0],
      ]);
    });
  });

  describe('stateChanges$', () => {
    it('emits the name, the states and the reason of every change', async () => {
      await start();
      const changes: StateChange[] = [];
      registry.stateChanges$.subscribe((change) => changes.push(change));

      cycle();

      expect(changes).toEqual([
        expect.objectContaining({
          name: PAYMENTS,
          from: 'closed',
          to: 'open',
          reason: 'failure-threshold',
        }),
        expect.objectContaining({
          name: PAYMENTS,
          from: 'open',
          to: 'half-open',
          reason: 'timeout-elapsed',
        }),
        expect.objectContaining({
          name: PAYMENTS,
          from: 'half-open',
          to: 'closed',
          reason: 'trials-succeeded',
        }),
      ]);
    });

    it('completes when the application closes', async () => {
      await start();
      let completed = false;
      registry.stateChanges$.subscribe({ complete: () => (completed = true) });

      await apps.closeAll();

      expect(completed).toBe(true);
    });
  });

  describe('with a logger in forRoot({ logger })', () => {
    it('logs one warning naming the breaker when it opens', async () => {
      const logger = new RecordingLogger();
      await start({ logger });

      payments.failTimes(2);

      expect(logger.entries).toEqual([
        expect.objectContaining({ level: 'warn', message: expect.stringContaining('"payments"') }),
      ]);
      expect(logger.entries[0]?.message).toMatch(/closed -> open/);
    });

    it('logs the way to half-open and back to closed once each', async () => {
      const logger = new RecordingLogger();
      await start({ logger });

      cycle();

      expect(logger.entries.map((entry) => [entry.level, entry.message])).toEqual([
        ['warn', expect.stringMatching(/"payments".*closed -> open/)],
        ['log', expect.stringMatching(/"payments".*open -> half-open/)],
        ['log', expect.stringMatching(/"payments".*half-open -> closed/)],
      ]);
    });

    it('logs nothing for calls that leave the state as it is', async () => {
      const logger = new RecordingLogger();
      await start({ logger });

      payments.charge('paid');
      payments.failTimes(1);
      payments.charge('paid');

      expect(logger.entries).toEqual([]);
    });
  });

  describe('without a logger option', () => {
    it("logs state changes through Nest's Logger with the context CircuitBreaker", async () => {
      const nestLogger = new RecordingLogger();
      await start({ logger: undefined }, nestLogger);

      payments.failTimes(2);

      expect(nestLogger.at('warn')).toEqual([
        expect.objectContaining({ message: expect.stringMatching(/"payments".*closed -> open/) }),
      ]);
      expect(nestLogger.at('warn')[0]?.params).toContain('CircuitBreaker');
    });

    it("prints each state change as one line on Nest's default ConsoleLogger", async () => {
      const printed = new PrintedLinesLogger();
      await start({ logger: undefined }, printed);

      payments.failTimes(2);

      expect(printed.lines.filter((line) => line.includes('[CircuitBreaker]'))).toEqual([
        expect.stringMatching(
          /^warn \[CircuitBreaker\] Circuit breaker "payments": closed -> open/,
        ),
      ]);
    });
  });

  describe('with logger: false', () => {
    it("logs nothing, not even through Nest's Logger", async () => {
      const nestLogger = new RecordingLogger();
      await start({ logger: false }, nestLogger);

      cycle();

      expect(nestLogger.entries.filter((entry) => entry.params.includes('CircuitBreaker'))).toEqual(
        [],
      );
    });
  });

  describe('default failure rule', () => {
    it('passes an HttpException below 500 through untouched without counting a failure', async () => {
      await start({ defaults: { failureThreshold: 1 } });
      const notFound = new NotFoundException('no such invoice');

      const thrown = thrownBy(() => payments.charge(notFound));

      expect(thrown).toBe(notFound);
      expect(registry.get(PAYMENTS).getStats()).toMatchObject({
        state: 'closed',
        failures: 0,
        ignored: 1,
      });
    });

    it('counts an HttpException of 500 or more as a failure', async () => {
      await start({ defaults: { failureThreshold: 1 } });

      thrownBy(() => payments.charge(new InternalServerErrorException()));

      expect(registry.get(PAYMENTS).getStats()).toMatchObject({ state: 'open', failures: 1 });
    });

    it('counts a plain Error as a failure', async () => {
      await start({ defaults: { failureThreshold: 1 } });

      thrownBy(() => payments.charge(new Error('connection reset')));

      expect(registry.get(PAYMENTS).getStats()).toMatchObject({ state: 'open', failures: 1 });
    });
  });

  describe('with isFailure in the defaults', () => {
    it('follows that rule instead of the default one', async () => {
      await start({
        defaults: { failureThreshold: 1, isFailure: (error) => error instanceof HttpException },
      });

      thrownBy(() => payments.charge(new Error('ignored by the custom rule')));
      thrownBy(() => payments.charge(new NotFoundException()));

      expect(registry.get(PAYMENTS).getStats()).toMatchObject({
        state: 'open',
        failures: 1,
        ignored: 1,
      });
    });
  });
});
