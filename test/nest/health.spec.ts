import 'reflect-metadata';
import { jest } from '@jest/globals';
import { Controller, Get, type INestApplication, Injectable, Logger } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import request from 'supertest';
import { BreakerRegistry, CircuitBreaker, CircuitBreakerModule } from 'nestjs-circuit-breaker';
import { CircuitBreakerHealthIndicator } from 'nestjs-circuit-breaker/health';
import { fakeClock, type FakeClock } from '../support/fake-clock.js';
import { NestApps } from './fixtures/nest-apps.js';
import { PAYMENTS, PaymentsClient } from './fixtures/payments-client.js';

const TIMEOUT = 1_000;

/** A second guarded provider, so the report holds more than one breaker. */
@Injectable()
class ShippingClient {
  @CircuitBreaker('shipping')
  quote(): number {
    return 12;
  }
}

/** The health endpoints an application would expose with terminus. */
@Controller('health')
class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly breakers: CircuitBreakerHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  all() {
    return this.health.check([() => this.breakers.isHealthy()]);
  }

  @Get('payments')
  @HealthCheck()
  payments() {
    return this.health.check([() => this.breakers.isHealthy([PAYMENTS])]);
  }
}

describe('CircuitBreakerHealthIndicator', () => {
  const apps = new NestApps();
  let clock: FakeClock;
  let app: INestApplication;

  beforeEach(async () => {
    clock = fakeClock();
    app = await apps.http({
      imports: [
        TerminusModule.forRoot({ logger: false }),
        CircuitBreakerModule.forRoot({
          defaults: { failureThreshold: 1, timeout: TIMEOUT, clock },
          logger: false,
        }),
      ],
      controllers: [HealthController],
      providers: [CircuitBreakerHealthIndicator, PaymentsClient, ShippingClient],
    });
  });

  afterEach(() => apps.closeAll());

  const health = (path = '/health') => request(app.getHttpServer()).get(path);

  describe('with every breaker closed', () => {
    it('answers 200 with each breaker up and closed under its name', async () => {
      const response = await health();

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        status: 'ok',
        details: {
          [PAYMENTS]: { status: 'up', state: 'closed' },
          shipping: { status: 'up', state: 'closed' },
        },
      });
    });
  });

  describe('with a breaker open', () => {
    it('answers 503 with that breaker down and open, the others still up', async () => {
      app.get(PaymentsClient).failTimes(1);

      const response = await health();

      expect(response.status).toBe(503);
      expect(response.body).toMatchObject({
        status: 'error',
        error: { [PAYMENTS]: { status: 'down', state: 'open', retryAfterMs: TIMEOUT } },
        details: { shipping: { status: 'up', state: 'closed' } },
      });
    });
  });

  describe('with a breaker half-open', () => {
    it('answers 200 with that breaker degraded and half-open', async () => {
      app.get(PaymentsClient).failTimes(1);
      clock.advance(TIMEOUT);

      const response = await health();

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        status: 'degraded',
        details: { [PAYMENTS]: { status: 'degraded', state: 'half-open' } },
      });
    });
  });

  describe('with a breaker set by hand', () => {
    it('reports a forced-open breaker down, with no retry time', async () => {
      app.get(BreakerRegistry).get(PAYMENTS).forceOpen();

      const response = await health();

      expect(response.status).toBe(503);
      expect(response.body.error[PAYMENTS]).toMatchObject({
        status: 'down',
        state: 'closed',
        mode: 'forced-open',
        retryAfterMs: null,
      });
    });

    it('reports a disabled breaker up, whatever its counts', async () => {
      const breaker = app.get(BreakerRegistry).get(PAYMENTS);
      breaker.disable();
      app.get(PaymentsClient).failTimes(3);

      const response = await health();

      expect(response.status).toBe(200);
      expect(response.body.details[PAYMENTS]).toMatchObject({ status: 'up', mode: 'disabled' });
    });

    it('reports a metrics-only breaker that would be open as degraded, not down', async () => {
      app.get(BreakerRegistry).get(PAYMENTS).setMode('metrics-only');
      app.get(PaymentsClient).failTimes(1);

      const response = await health();

      expect(response.status).toBe(200);
      expect(response.body.details[PAYMENTS]).toMatchObject({
        status: 'degraded',
        state: 'open',
        mode: 'metrics-only',
        retryAfterMs: 0,
      });
    });
  });

  describe('isHealthy() with a name the registry does not know', () => {
    it('reports it closed and warns once, naming it', async () => {
      const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      try {
        const indicator = app.get(CircuitBreakerHealthIndicator);

        const first = indicator.isHealthy(['paymnets']);
        indicator.isHealthy(['paymnets']);

        expect(first).toMatchObject({ paymnets: { status: 'up', state: 'closed' } });
        expect(warn).toHaveBeenCalledTimes(1);
        expect(warn.mock.calls[0]?.[0]).toContain('"paymnets"');
      } finally {
        warn.mockRestore();
      }
    });
  });

  describe('isHealthy() with names', () => {
    it('reports only the named breakers', async () => {
      app.get(BreakerRegistry).get('reports');

      const response = await health('/health/payments');

      expect(response.status).toBe(200);
      expect(Object.keys(response.body.details)).toEqual([PAYMENTS]);
    });
  });
});
