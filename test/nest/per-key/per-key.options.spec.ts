import 'reflect-metadata';
import { Injectable } from '@nestjs/common';
import { CircuitBreaker, type CircuitBreakerModuleOptions } from 'nestjs-circuit-breaker';
import { NestApps } from '../fixtures/nest-apps.js';
import { MODEL_API } from './fixtures/model-client.js';
import { type PerKeyApp, startPerKeyApp } from './fixtures/start.js';

/** A keyed use that gives its base breaker options of its own. */
@Injectable()
class SearchClient {
  @CircuitBreaker('search', { failureThreshold: 4, key: (index: string) => index })
  query(index: string): string {
    return index;
  }
}

describe('Per-key breaker options', () => {
  const apps = new NestApps();
  afterEach(() => apps.closeAll());

  /** Starts with these module options and returns the failureThreshold a key's breaker got. */
  async function thresholdOf(
    key: string,
    options: CircuitBreakerModuleOptions,
    base = MODEL_API,
  ): Promise<number | null> {
    const app: PerKeyApp = await startPerKeyApp(apps, options, [SearchClient]);
    if (base === MODEL_API) app.models.complete(key, 'ok');
    else app.get(SearchClient).query(key);

    return app.registry.get(app.registry.keyName(base, key)).options.failureThreshold;
  }

  describe('configured like the base breaker', () => {
    it('takes the module defaults', async () => {
      expect(await thresholdOf('gpt-x', { defaults: { failureThreshold: 7 } })).toBe(7);
    });

    it("takes the base name's breakers entry", async () => {
      expect(
        await thresholdOf('gpt-x', { breakers: { [MODEL_API]: { failureThreshold: 3 } } }),
      ).toBe(3);
    });

    it('takes the patterns matching the base name', async () => {
      expect(await thresholdOf('gpt-x', { breakers: { 'model-*': { failureThreshold: 6 } } })).toBe(
        6,
      );
    });

    it("takes the options of the base name's decorator use", async () => {
      expect(await thresholdOf('main', {}, 'search')).toBe(4);
    });

    it("keeps the base name's entry over a pattern matching both names", async () => {
      const breakers = { 'model-*': { failureThreshold: 6 }, [MODEL_API]: { failureThreshold: 3 } };

      expect(await thresholdOf('gpt-x', { breakers })).toBe(3);
    });

    it("shares the base breaker's resolved options when nothing names the key", async () => {
      const app = await startPerKeyApp(apps, {
        breakers: { [MODEL_API]: { failureThreshold: 3 } },
      });
      app.models.complete('gpt-x', 'ok');

      expect(app.registry.get('model-api:gpt-x').options).toBe(app.registry.get(MODEL_API).options);
    });
  });

  describe('with options naming the per-key breaker', () => {
    it('applies a pattern matching its name but not the base name', async () => {
      const breakers = { 'model-api:gpt-*': { failureThreshold: 1 } };

      expect(await thresholdOf('gpt-x', { breakers })).toBe(1);
      expect(await thresholdOf('claude-y', { breakers })).toBe(2);
    });

    it('applies its exact name', async () => {
      expect(
        await thresholdOf('gpt-x', { breakers: { 'model-api:gpt-x': { failureThreshold: 9 } } }),
      ).toBe(9);
    });

    it("puts them over the base name's entry", async () => {
      const breakers = {
        [MODEL_API]: { failureThreshold: 3 },
        'model-api:gpt-*': { failureThreshold: 1 },
      };

      expect(await thresholdOf('gpt-x', { breakers })).toBe(1);
    });

    it("puts them over the base name's decorator options", async () => {
      expect(
        await thresholdOf(
          'slow',
          { breakers: { 'search:slow': { failureThreshold: 1 } } },
          'search',
        ),
      ).toBe(1);
    });

    it('puts its exact name over a pattern matching it', async () => {
      const breakers = {
        'model-api:gpt-x': { failureThreshold: 9 },
        'model-api:gpt-*': { failureThreshold: 1 },
      };

      expect(await thresholdOf('gpt-x', { breakers })).toBe(9);
    });

    it('keeps the options it does not set from the base', async () => {
      const app = await startPerKeyApp(apps, {
        breakers: { [MODEL_API]: { timeout: 5_000 }, 'model-api:gpt-*': { failureThreshold: 1 } },
      });
      app.models.complete('gpt-x', 'ok');

      expect(app.registry.get('model-api:gpt-x').options).toMatchObject({
        failureThreshold: 1,
        timeout: 5_000,
      });
    });

    it('matches the encoded key: a pattern for a key holding a colon spells it %3A', async () => {
      expect(
        await thresholdOf('db:5432', { breakers: { '*%3A5432': { failureThreshold: 1 } } }),
      ).toBe(1);
    });
  });
});
