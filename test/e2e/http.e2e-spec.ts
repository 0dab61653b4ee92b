import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { BreakerRegistry, CircuitBreakerInterceptor } from 'nestjs-circuit-breaker';
import request from 'supertest';
import { HttpAppModule, MISSING_ITEM } from './apps/http-app.module.js';
import { fakeClock } from '../support/fake-clock.js';
import { Upstream, UPSTREAM_SECRET } from './support/upstream.js';

const TIMEOUT = 10_000;
const FAILURE_THRESHOLD = 2;
/** The library's default `successThreshold`, which the module's defaults leave alone. */
const SUCCESS_THRESHOLD = 2;

const clock = fakeClock();

/** Starts the HTTP suite's app on a loopback port chosen by the OS. */
async function startApp(options: { globalInterceptor: boolean }): Promise<INestApplication> {
  const app = await NestFactory.create(HttpAppModule.withClock(clock), { logger: false });
  if (options.globalInterceptor) app.useGlobalInterceptors(new CircuitBreakerInterceptor());
  await app.listen(0, '127.0.0.1');
  return app;
}

describe('CircuitBreaker over HTTP (Express)', () => {
  let app: INestApplication;
  let url: string;
  let upstream: Upstream;
  let registry: BreakerRegistry;

  const get = (path: string) => request(url).get(path);

  /** Fails requests through `path` until its breaker opens. */
  async function openBreaker(path: string): Promise<void> {
    upstream.goDown();
    for (let i = 0; i < FAILURE_THRESHOLD; i++) await get(path).expect(500);
  }

  beforeAll(async () => {
    app = await startApp({ globalInterceptor: true });
    url = await app.getUrl();
    upstream = app.get(Upstream);
    registry = app.get(BreakerRegistry);
  });

  afterAll(async () => {
    await app.close();
  });

  beforeEach(() => {
    upstream.reset();
    registry.resetAll();
  });

  describe('a decorated service behind a handler without a decorator', () => {
    const path = '/inventory/42';

    it('answers 500 while the upstream fails below the threshold', async () => {
      upstream.goDown();

      await get(path).expect(500);

      expect(registry.get('inventory').state).toBe('closed');
    });

    it('answers 503 without Retry-After while the breaker is forced open', async () => {
      registry.get('inventory').forceOpen();

      try {
        const response = await get(path).expect(503);

        expect(response.headers['retry-after']).toBeUndefined();
        expect(response.body).toMatchObject({ breaker: 'inventory', retryAfter: null });
        expect(upstream.calls).toBe(0);
      } finally {
        registry.get('inventory').setMode('normal');
      }
    });

    it('answers 503 once the failures reach the threshold', async () => {
      await openBreaker(path);

      await get(path).expect(503);

      expect(registry.get('inventory').state).toBe('open');
    });

    it('sets Retry-After to the remaining open time in whole seconds, rounded up', async () => {
      await openBreaker(path);
      clock.advance(2_500);
      const remainingMs = registry.get('inventory').getTimeUntilRetry();

      const response = await get(path).expect(503);

      expect(response.headers['retry-after']).toBe(String(Math.ceil(remainingMs / 1000)));
      expect(response.headers['retry-after']).toBe('8');
    });

    it('sets Retry-After to 1 for the last fraction of a second', async () => {
      await openBreaker(path);
      clock.advance(TIMEOUT - 1);

      const response = await get(path).expect(503);

      expect(response.headers['retry-after']).toBe('1');
    });

    it('answers a JSON body naming the breaker and the wait', async () => {
      await openBreaker(path);
      clock.advance(2_500);

      const response = await get(path).expect(503).expect('content-type', /json/);

      expect(response.body).toEqual({
        statusCode: 503,
        error: 'Service Unavailable',
        message: expect.stringContaining('"inventory"'),
        breaker: 'inventory',
        retryAfter: 8,
      });
    });

    it("tells the client nothing of the upstream's error", async () => {
      await openBreaker(path);

      const response = await get(path).expect(503);

      expect(response.text).not.toContain(UPSTREAM_SECRET);
      expect(response.text).not.toContain('hunter2');
    });

    it('does not call the upstream while open', async () => {
      await openBreaker(path);
      const callsWhenOpened = upstream.calls;

      for (let i = 0; i < 3; i++) await get(path).expect(503);

      expect(upstream.calls).toBe(callsWhenOpened);
      expect(registry.get('inventory').getStats().rejections).toBe(3);
    });

    it('lets a trial request reach the upstream once the timeout has passed', async () => {
      await openBreaker(path);
      upstream.comeBack();
      clock.advance(TIMEOUT);
      const callsBefore = upstream.calls;

      const response = await get(path).expect(200);

      expect(response.body).toEqual({ item: 'answer: 42' });
      expect(upstream.calls).toBe(callsBefore + 1);
      expect(registry.get('inventory').state).toBe('half-open');
    });

    it('closes after successThreshold trial successes and answers 200 again', async () => {
      await openBreaker(path);
      upstream.comeBack();
      clock.advance(TIMEOUT);

      for (let i = 0; i < SUCCESS_THRESHOLD; i++) await get(path).expect(200);

      expect(registry.get('inventory').state).toBe('closed');
      await get(path).expect(200);
    });
  });

  describe('a decorated controller handler', () => {
    const path = '/reports';

    it('answers 503 with Retry-After and a body naming the breaker once open', async () => {
      await openBreaker(path);
      clock.advance(2_500);

      const response = await get(path).expect(503);

      expect(response.headers['retry-after']).toBe('8');
      expect(response.body).toEqual({
        statusCode: 503,
        error: 'Service Unavailable',
        message: expect.stringContaining('"reports"'),
        breaker: 'reports',
        retryAfter: 8,
      });
      expect(response.text).not.toContain(UPSTREAM_SECRET);
    });

    it('does not run the handler while open', async () => {
      await openBreaker(path);
      const callsWhenOpened = upstream.calls;

      for (let i = 0; i < 3; i++) await get(path).expect(503);

      expect(upstream.calls).toBe(callsWhenOpened);
    });

    it('closes after successThreshold trial successes and answers 200 again', async () => {
      await openBreaker(path);
      upstream.comeBack();
      clock.advance(TIMEOUT);

      for (let i = 0; i < SUCCESS_THRESHOLD; i++) await get(path).expect(200);

      expect(registry.get('reports').state).toBe('closed');
      expect((await get(path).expect(200)).body).toEqual({ report: 'answer: report' });
    });
  });

  describe('an HttpException below 500 from a decorated service', () => {
    const path = `/inventory/${MISSING_ITEM}`;

    it('passes through to the client as a 404', async () => {
      const response = await get(path).expect(404);

      expect(response.body).toMatchObject({ statusCode: 404, message: `No item ${MISSING_ITEM}` });
    });

    it('leaves the breaker closed with no failure counted after many', async () => {
      for (let i = 0; i < FAILURE_THRESHOLD * 3; i++) await get(path).expect(404);

      expect(registry.get('inventory').getStats()).toMatchObject({
        state: 'closed',
        failures: 0,
        consecutiveFailures: 0,
        ignored: FAILURE_THRESHOLD * 3,
      });
    });
  });

  describe('the interceptor bound globally and on the controller', () => {
    it('counts one failing request through a decorated handler once', async () => {
      upstream.goDown();

      await get('/reports').expect(500);

      expect(registry.get('reports').getStats()).toMatchObject({ calls: 1, failures: 1 });
    });

    it('counts one failing request through a decorated service once', async () => {
      upstream.goDown();

      await get('/stock/7').expect(500);

      expect(registry.get('inventory').getStats()).toMatchObject({ calls: 1, failures: 1 });
    });

    it('answers one refusal with a single 503', async () => {
      await openBreaker('/stock/7');

      const response = await get('/stock/7').expect(503);

      expect(response.body).toMatchObject({ statusCode: 503, breaker: 'inventory' });
      expect(registry.get('inventory').getStats().rejections).toBe(1);
    });
  });

  describe("a service breaker's refusal behind a handler without any decorator", () => {
    it('becomes a 503 when the interceptor is bound globally', async () => {
      await openBreaker('/inventory/1');

      const response = await get('/inventory/1').expect(503);

      expect(response.body).toMatchObject({ statusCode: 503, breaker: 'inventory' });
      expect(response.headers['retry-after']).toBe(String(TIMEOUT / 1000));
    });
  });
});

describe('CircuitBreaker over HTTP (Express) without the interceptor bound globally', () => {
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    app = await startApp({ globalInterceptor: false });
    url = await app.getUrl();
  });

  afterAll(async () => {
    await app.close();
  });

  describe("a service breaker's refusal behind a handler without any decorator", () => {
    it('reaches the client as a plain 500, with no Retry-After', async () => {
      app.get(Upstream).goDown();
      for (let i = 0; i < FAILURE_THRESHOLD; i++) {
        await request(url).get('/inventory/1').expect(500);
      }
      expect(app.get(BreakerRegistry).get('inventory').state).toBe('open');

      const response = await request(url).get('/inventory/1').expect(500);

      expect(response.headers['retry-after']).toBeUndefined();
    });
  });
});
