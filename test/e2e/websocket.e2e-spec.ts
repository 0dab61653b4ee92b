import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { WsAdapter } from '@nestjs/platform-ws';
import { BreakerRegistry } from 'nestjs-circuit-breaker';
import { WebSocketAppModule } from './apps/websocket-app.module.js';
import { fakeClock } from '../support/fake-clock.js';
import { Upstream, UPSTREAM_SECRET } from './support/upstream.js';
import { WsTestClient } from './support/ws-client.js';

const TIMEOUT = 10_000;
const FAILURE_THRESHOLD = 2;

const clock = fakeClock();

describe('CircuitBreaker over WebSockets (ws adapter)', () => {
  let app: INestApplication;
  let client: WsTestClient;
  let upstream: Upstream;
  let registry: BreakerRegistry;

  /** Fails `ask` messages until the breaker opens. */
  async function openBreaker(): Promise<void> {
    upstream.goDown();
    for (let i = 0; i < FAILURE_THRESHOLD; i++) {
      expect(await client.ask('ask', 'why?')).toMatchObject({ event: 'exception' });
    }
  }

  beforeAll(async () => {
    app = await NestFactory.create(WebSocketAppModule.withClock(clock), { logger: false });
    app.useWebSocketAdapter(new WsAdapter(app));
    await app.listen(0, '127.0.0.1');
    client = await WsTestClient.connect((await app.getUrl()).replace(/^http/, 'ws'));
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

  describe('a decorated @SubscribeMessage handler', () => {
    it('answers messages while closed', async () => {
      expect(await client.ask('ask', 'why?')).toEqual({ event: 'answer', data: 'answer: why?' });
    });

    it('opens its breaker once the failures reach the threshold', async () => {
      await openBreaker();

      expect(registry.get('answers').state).toBe('open');
    });

    it('sends an exception event naming the breaker and the wait once open', async () => {
      await openBreaker();
      clock.advance(2_500);

      const reply = await client.ask('ask', 'why?');

      expect(reply).toEqual({
        event: 'exception',
        data: {
          status: 'error',
          error: 'Service Unavailable',
          message: expect.stringContaining('"answers"'),
          breaker: 'answers',
          retryAfter: 8,
        },
      });
    });

    it("tells the client nothing of the upstream's error", async () => {
      await openBreaker();

      const reply = await client.ask('ask', 'why?');

      expect(JSON.stringify(reply)).not.toContain('hunter2');
      expect(JSON.stringify(reply)).not.toContain(UPSTREAM_SECRET);
    });

    it('does not run the handler while open', async () => {
      await openBreaker();
      const callsWhenOpened = upstream.calls;

      for (let i = 0; i < 3; i++) await client.ask('ask', 'why?');

      expect(upstream.calls).toBe(callsWhenOpened);
    });

    it('answers again once the timeout has passed and the trials succeed', async () => {
      await openBreaker();
      upstream.comeBack();
      clock.advance(TIMEOUT);

      expect(await client.ask('ask', 'one')).toEqual({ event: 'answer', data: 'answer: one' });
      expect(await client.ask('ask', 'two')).toEqual({ event: 'answer', data: 'answer: two' });

      expect(registry.get('answers').state).toBe('closed');
    });
  });
});
