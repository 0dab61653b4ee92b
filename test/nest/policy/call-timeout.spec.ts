import 'reflect-metadata';
import { Controller, Get, Injectable, UseInterceptors } from '@nestjs/common';
import request from 'supertest';
import {
  BreakerRegistry,
  CallTimeoutError,
  CircuitBreaker,
  CircuitBreakerInterceptor,
  CircuitBreakerModule,
  currentCallSignal,
} from 'nestjs-circuit-breaker';
import { fakeClock, type FakeClock } from '../../support/fake-clock.js';
import { NestApps } from '../fixtures/nest-apps.js';

/** A client whose calls hang until their signal aborts them, as fetch does. */
@Injectable()
class HangingClient {
  readonly signals: Array<AbortSignal | undefined> = [];
  private started!: () => void;
  /** Resolves when a call has started, so a test can move the clock without guessing. */
  readonly running = new Promise<void>((resolve) => (this.started = resolve));

  @CircuitBreaker('hanging', { callTimeout: 300 })
  async fetchSlowly(): Promise<string> {
    const signal = currentCallSignal();
    this.signals.push(signal);
    this.started();
    await Promise.resolve();
    // Still the call's signal after an await: the async context carries it.
    this.signals.push(currentCallSignal());

    return new Promise((_resolve, reject) => {
      signal?.addEventListener('abort', () => reject(signal.reason));
    });
  }

  @CircuitBreaker('untimed')
  async untimed(): Promise<AbortSignal | undefined> {
    return currentCallSignal();
  }
}

@Controller()
@UseInterceptors(CircuitBreakerInterceptor)
class HangingController {
  constructor(private readonly client: HangingClient) {}

  @Get('hanging')
  hanging(): Promise<string> {
    return this.client.fetchSlowly();
  }
}

describe('callTimeout on decorated methods', () => {
  const apps = new NestApps();
  let clock: FakeClock;

  beforeEach(() => {
    clock = fakeClock();
  });

  afterEach(() => apps.closeAll());

  const imports = () => [CircuitBreakerModule.forRoot({ defaults: { clock }, logger: false })];

  describe('currentCallSignal()', () => {
    it('gives the method its call signal, aborted with the CallTimeoutError at the timeout', async () => {
      const moduleRef = await apps.context({ imports: imports(), providers: [HangingClient] });
      const client = moduleRef.get(HangingClient);

      const call = client.fetchSlowly();
      await client.running;
      clock.advance(300);

      await expect(call).rejects.toBeInstanceOf(CallTimeoutError);
      const [signal, afterAwait] = client.signals;
      expect(signal?.aborted).toBe(true);
      expect(signal?.reason).toBeInstanceOf(CallTimeoutError);
      expect(afterAwait).toBe(signal);
    });

    it('is undefined for a breaker without a call timeout, and outside any call', async () => {
      const moduleRef = await apps.context({ imports: imports(), providers: [HangingClient] });

      await expect(moduleRef.get(HangingClient).untimed()).resolves.toBeUndefined();
      expect(currentCallSignal()).toBeUndefined();
    });
  });

  describe('over HTTP, with the interceptor', () => {
    it('answers 504 Gateway Timeout naming the breaker', async () => {
      const app = await apps.http({
        imports: imports(),
        controllers: [HangingController],
        providers: [HangingClient],
      });
      const response = request(app.getHttpServer())
        .get('/hanging')
        .then((answer) => answer);
      await app.get(HangingClient).running;
      clock.advance(300);

      const answer = await response;
      expect(answer.status).toBe(504);
      expect(answer.body).toMatchObject({
        statusCode: 504,
        error: 'Gateway Timeout',
        breaker: 'hanging',
      });
      expect(app.get(BreakerRegistry).get('hanging').getStats().timeouts).toBe(1);
    });
  });
});
