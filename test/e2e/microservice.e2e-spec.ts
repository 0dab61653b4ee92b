import 'reflect-metadata';
import type { INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { ClientProxy } from '@nestjs/microservices';
import { ClientProxyFactory, Transport } from '@nestjs/microservices';
import { BreakerRegistry } from 'nestjs-circuit-breaker';
import { firstValueFrom } from 'rxjs';
import { MicroserviceAppModule } from './apps/microservice-app.module.js';
import { fakeClock } from '../support/fake-clock.js';
import { freePort } from './support/free-port.js';
import { Upstream, UPSTREAM_SECRET } from './support/upstream.js';

const HOST = '127.0.0.1';
const TIMEOUT = 10_000;
const FAILURE_THRESHOLD = 2;

const clock = fakeClock();

/** The two guarded handlers: the breaker decorator above, then below, the pattern decorator. */
const handlers = [
  { pattern: 'price', breaker: 'prices', order: '@CircuitBreaker above @MessagePattern' },
  { pattern: 'stock', breaker: 'stock', order: '@CircuitBreaker below @MessagePattern' },
] as const;

describe('CircuitBreaker over a TCP microservice', () => {
  let app: INestMicroservice;
  let client: ClientProxy;
  let upstream: Upstream;
  let registry: BreakerRegistry;

  /** The first value of the client's observable for one message. */
  const send = (pattern: string, item: string) =>
    firstValueFrom(client.send<string>(pattern, item));

  /** The error the client's observable fails with for one message; a value fails the test. */
  const failureOf = (pattern: string, item: string) =>
    send(pattern, item).then(
      (value) => Promise.reject(new Error(`expected an error, got ${JSON.stringify(value)}`)),
      (error: unknown) => error,
    );

  /** Fails messages to `pattern` until its breaker opens. */
  async function openBreaker(pattern: string): Promise<void> {
    upstream.goDown();
    for (let i = 0; i < FAILURE_THRESHOLD; i++) {
      expect(await failureOf(pattern, 'widget')).toMatchObject({ status: 'error' });
    }
  }

  beforeAll(async () => {
    const port = await freePort();
    app = await NestFactory.createMicroservice(MicroserviceAppModule.withClock(clock), {
      transport: Transport.TCP,
      options: { host: HOST, port },
      logger: false,
    });
    await app.listen();
    client = ClientProxyFactory.create({ transport: Transport.TCP, options: { host: HOST, port } });
    await client.connect();
    upstream = app.get(Upstream);
    registry = app.get(BreakerRegistry);
  });

  afterAll(async () => {
    await client?.close();
    await app?.close();
  });

  beforeEach(() => {
    upstream.reset();
    registry.resetAll();
  });

  describe.each(handlers)('a handler with $order', ({ pattern, breaker }) => {
    it('receives messages and answers them', async () => {
      await expect(send(pattern, 'widget')).resolves.toBe('answer: widget');
    });

    it('opens its breaker once the failures reach the threshold', async () => {
      await openBreaker(pattern);

      expect(registry.get(breaker).state).toBe('open');
    });

    it("errors the client's observable with the breaker, the wait and a message", async () => {
      await openBreaker(pattern);
      clock.advance(2_500);

      const error = await failureOf(pattern, 'widget');

      expect(error).toEqual({
        status: 'error',
        error: 'Service Unavailable',
        message: expect.stringContaining(`"${breaker}"`),
        breaker,
        retryAfter: 8,
      });
    });

    it("tells the client nothing of the upstream's error", async () => {
      await openBreaker(pattern);

      const error = await failureOf(pattern, 'widget');

      expect(JSON.stringify(error)).not.toContain('hunter2');
      expect(JSON.stringify(error)).not.toContain(UPSTREAM_SECRET);
    });

    it('does not run the handler while open', async () => {
      await openBreaker(pattern);
      const callsWhenOpened = upstream.calls;

      for (let i = 0; i < 3; i++) await failureOf(pattern, 'widget');

      expect(upstream.calls).toBe(callsWhenOpened);
    });

    it('answers again once the timeout has passed and the trials succeed', async () => {
      await openBreaker(pattern);
      upstream.comeBack();
      clock.advance(TIMEOUT);

      await expect(send(pattern, 'one')).resolves.toBe('answer: one');
      await expect(send(pattern, 'two')).resolves.toBe('answer: two');

      expect(registry.get(breaker).state).toBe('closed');
    });
  });

  describe('a failing message', () => {
    it('counts one failure on its breaker', async () => {
      upstream.goDown();

      await failureOf('price', 'widget');

      expect(registry.get('prices').getStats()).toMatchObject({ calls: 1, failures: 1 });
    });
  });
});
