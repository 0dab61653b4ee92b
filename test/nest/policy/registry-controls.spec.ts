import 'reflect-metadata';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { EventEmitterModule, OnEvent } from '@nestjs/event-emitter';
import {
  BreakerRegistry,
  CircuitBreaker,
  CircuitBreakerModule,
  CircuitOpenError,
  type BreakerEvent,
} from 'nestjs-circuit-breaker';
import { NestApps } from '../fixtures/nest-apps.js';

/** A client with one named and one per-key breaker. */
@Injectable()
class Client {
  @CircuitBreaker('orders')
  order(): string {
    return 'ordered';
  }

  @CircuitBreaker('tenants', { key: (tenant: string) => tenant })
  forTenant(tenant: string): string {
    return `served ${tenant}`;
  }
}

/** Receives the forwarded breaker events, as an application's own listener would. */
@Injectable()
class EventLog {
  readonly seen: string[] = [];

  @OnEvent('circuit-breaker.*')
  record(event: BreakerEvent): void {
    this.seen.push(`${event.type} ${event.name}`);
  }
}

describe('BreakerRegistry controls', () => {
  const apps = new NestApps();

  afterEach(() => apps.closeAll());

  async function start() {
    const moduleRef = await apps.context({
      imports: [CircuitBreakerModule.forRoot({ logger: false })],
      providers: [Client],
    });
    return { registry: moduleRef.get(BreakerRegistry), client: moduleRef.get(Client) };
  }

  describe('setMode() without a name', () => {
    it('forces every breaker open, per-key ones included', async () => {
      const { registry, client } = await start();
      client.forTenant('acme');

      registry.setMode('forced-open');

      expect(() => client.order()).toThrow(CircuitOpenError);
      expect(() => client.forTenant('acme')).toThrow(CircuitOpenError);
    });

    it('gives the mode to breakers created later', async () => {
      const { registry, client } = await start();

      registry.setMode('forced-open');

      expect(() => client.forTenant('new-tenant')).toThrow(CircuitOpenError);
      expect(registry.get('later').mode).toBe('forced-open');
    });

    it('hands control back with normal', async () => {
      const { registry, client } = await start();
      registry.setMode('forced-open');

      registry.setMode('normal');

      expect(client.order()).toBe('ordered');
      expect(registry.mode).toBe('normal');
    });

    it('rejects an unknown mode without changing any breaker', async () => {
      const { registry } = await start();

      expect(() => registry.setMode('off' as never)).toThrow(/unknown mode "off"/);
      expect(registry.get('orders').mode).toBe('normal');
    });
  });

  describe('setMode() with a name', () => {
    it('changes that breaker only', async () => {
      const { registry, client } = await start();

      registry.setMode('forced-open', 'orders');

      expect(() => client.order()).toThrow(CircuitOpenError);
      expect(client.forTenant('acme')).toBe('served acme');
    });

    it('throws naming the known breakers for an unknown name', async () => {
      const { registry } = await start();

      expect(() => registry.setMode('disabled', 'ordres')).toThrow(
        /No circuit breaker is named "ordres".*"orders"/,
      );
    });
  });

  describe('events$', () => {
    it('reports the events of named and per-key breakers', async () => {
      const { registry, client } = await start();
      const seen: string[] = [];
      const subscription = registry.events$.subscribe((event) =>
        seen.push(`${event.type} ${event.name}`),
      );

      client.order();
      client.forTenant('acme');
      subscription.unsubscribe();

      expect(seen).toEqual(['success orders', 'success tenants:acme']);
    });

    it('times calls only while subscribed', async () => {
      const { registry } = await start();
      const orders = registry.get('orders');

      const subscription = registry.events$.subscribe();
      const whileSubscribed = orders.needsCallState;
      subscription.unsubscribe();

      expect(whileSubscribed).toBe(true);
      expect(orders.needsCallState).toBe(false);
    });
  });

  describe('created before start-up read its decorator options', () => {
    it('fails the start, saying where the breaker came from and what to do', async () => {
      @Injectable()
      class Early {
        @CircuitBreaker('early', { failureThreshold: 1 })
        call(): void {}
      }
      @Injectable()
      class Eager {
        constructor(registry: BreakerRegistry) {
          registry.get('early');
        }
      }

      const start = apps.context({
        imports: [CircuitBreakerModule.forRoot({ logger: false })],
        providers: [
          Early,
          {
            provide: Eager,
            useFactory: (registry: BreakerRegistry) => new Eager(registry),
            inject: [BreakerRegistry],
          },
        ],
      });

      await expect(start).rejects.toThrow(
        /"early" was created .* before start-up read the options of @CircuitBreaker\(\) on Early\.call/,
      );
    });

    it('starts when the breaker is looked up in onModuleInit', async () => {
      @Injectable()
      class Late implements OnModuleInit {
        constructor(private readonly registry: BreakerRegistry) {}

        @CircuitBreaker('late', { failureThreshold: 1 })
        call(): void {}

        onModuleInit(): void {
          this.registry.get('late');
        }
      }

      const moduleRef = await apps.context({
        imports: [CircuitBreakerModule.forRoot({ logger: false })],
        providers: [Late],
      });

      expect(moduleRef.get(BreakerRegistry).get('late').options.failureThreshold).toBe(1);
    });
  });

  describe('module options from a factory', () => {
    it('rejects isGlobal among them, saying where it goes', async () => {
      const start = apps.context({
        imports: [
          CircuitBreakerModule.forRootAsync({ useFactory: () => ({ isGlobal: true }) as never }),
        ],
      });

      await expect(start).rejects.toThrow(
        /unknown option "isGlobal".*forRootAsync\(\{ isGlobal, useFactory \}\)/,
      );
    });
  });

  describe('with eventEmitter: true', () => {
    it('forwards breaker events to @nestjs/event-emitter as circuit-breaker.<type>', async () => {
      const moduleRef = await apps.context({
        imports: [
          EventEmitterModule.forRoot({ wildcard: true }),
          CircuitBreakerModule.forRoot({ eventEmitter: true, logger: false }),
        ],
        providers: [Client, EventLog],
      });

      moduleRef.get(Client).order();
      moduleRef.get(BreakerRegistry).setMode('forced-open', 'orders');

      expect(moduleRef.get(EventLog).seen).toEqual(['success orders', 'mode-change orders']);
    });

    it('fails the start when the application has no EventEmitterModule', async () => {
      const start = apps.context({
        imports: [CircuitBreakerModule.forRoot({ eventEmitter: true, logger: false })],
        providers: [Client],
      });

      await expect(start).rejects.toThrow(
        /eventEmitter is on, but the application has no EventEmitter2 provider/,
      );
    });

    it('rejects a value other than true or false', async () => {
      const start = apps.context({
        imports: [CircuitBreakerModule.forRoot({ eventEmitter: 'yes' as never })],
      });

      await expect(start).rejects.toThrow(/option "eventEmitter" must be true or false, got "yes"/);
    });
  });
});
