import 'reflect-metadata';
import { Injectable } from '@nestjs/common';
import { type BreakerOptions, CircuitBreaker } from 'nestjs-circuit-breaker';
import { NestApps } from '../fixtures/nest-apps.js';
import { MODEL_API } from './fixtures/model-client.js';
import { type PerKeyApp, startPerKeyApp } from './fixtures/start.js';

/** Names that are properties of every object: a lookup in a plain object would find them. */
const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];

/** A keyed use whose base name is `__proto__`. */
@Injectable()
class ProtoClient {
  @CircuitBreaker('__proto__', { key: (key: string) => key })
  call(_key: string): string {
    return 'ok';
  }
}

/** `breakers` entries with own keys, as JSON config files give them (a literal `__proto__` would set the prototype). */
function ownEntries(entries: Array<[string, BreakerOptions]>): Record<string, BreakerOptions> {
  const breakers: Record<string, BreakerOptions> = {};
  for (const [name, options] of entries)
    Object.defineProperty(breakers, name, { value: options, enumerable: true });
  return breakers;
}

describe('Per-key breakers with names Object.prototype has', () => {
  const apps = new NestApps();
  let app: PerKeyApp;

  afterEach(() => apps.closeAll());

  describe('as keys', () => {
    beforeEach(async () => {
      app = await startPerKeyApp(apps, {}, [ProtoClient]);
    });

    it.each(PROTOTYPE_NAMES)('gives key %p its own breaker with the base options', (key) => {
      app.models.complete(key, 'ok');

      const breaker = app.registry.get(`${MODEL_API}:${key}`);
      expect(breaker.getStats()).toMatchObject({ name: `${MODEL_API}:${key}`, calls: 1 });
      expect(breaker.options.failureThreshold).toBe(2);
    });

    it('keeps their breakers apart', () => {
      app.models.failTimes('__proto__', 2);

      expect(app.registry.get('model-api:__proto__').state).toBe('open');
      expect(app.models.complete('constructor', 'served')).toBe('served');
    });
  });

  describe('as base names', () => {
    beforeEach(async () => {
      app = await startPerKeyApp(apps, {}, [ProtoClient]);
    });

    it('derives per-key breakers from a decorated base named __proto__', () => {
      app.get(ProtoClient).call('toString');

      expect(app.registry.names()).toEqual([MODEL_API, '__proto__', '__proto__:toString']);
    });

    it.each(PROTOTYPE_NAMES)('derives per-key breakers from base %p through forKey()', (base) => {
      const breaker = app.registry.forKey(base, 'constructor');

      expect(breaker.name).toBe(`${base}:constructor`);
      expect(app.registry.get(base).state).toBe('closed');
      expect(breaker.options.failureThreshold).toBe(2);
    });
  });

  describe('in forRoot({ breakers })', () => {
    it('applies an own __proto__ entry to the breaker of that name only', async () => {
      app = await startPerKeyApp(apps, {
        breakers: ownEntries([['__proto__', { failureThreshold: 7 }]]),
      });

      expect(app.registry.get('__proto__').options.failureThreshold).toBe(7);
      expect(app.registry.get('constructor').options.failureThreshold).toBe(2);
    });

    it('applies an entry named after a per-key breaker with a prototype key', async () => {
      app = await startPerKeyApp(apps, {
        breakers: ownEntries([['model-api:__proto__', { failureThreshold: 7 }]]),
      });
      app.models.complete('__proto__', 'ok');
      app.models.complete('toString', 'ok');

      expect(app.registry.get('model-api:__proto__').options.failureThreshold).toBe(7);
      expect(app.registry.get('model-api:toString').options.failureThreshold).toBe(2);
    });

    it('matches prototype names against patterns like any other name', async () => {
      app = await startPerKeyApp(apps, { breakers: { '*:__proto*': { failureThreshold: 7 } } });
      app.models.complete('__proto__', 'ok');

      expect(app.registry.get('model-api:__proto__').options.failureThreshold).toBe(7);
    });
  });
});
