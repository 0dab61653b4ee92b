import 'reflect-metadata';
import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  CircuitBreaker,
  CircuitBreakerModule,
  type CircuitBreakerModuleOptions,
} from 'nestjs-circuit-breaker';
import { NestApps } from '../fixtures/nest-apps.js';
import { ModelClient } from './fixtures/model-client.js';

/** A plain use whose name is one the per-key breakers of "model-api" would take. */
@Injectable()
class GptClient {
  @CircuitBreaker('model-api:gpt-x')
  complete(): void {}
}

/** A plain use whose name only looks like a per-key name, as no key encodes to it. */
@Injectable()
class DiscountClient {
  @CircuitBreaker('model-api:50%off')
  apply(): void {}
}

/** Compiles an application importing the module with these options, as a start-up would. */
function compileWith(
  options: CircuitBreakerModuleOptions,
  providers: Array<new () => object> = [],
) {
  return Test.createTestingModule({
    imports: [CircuitBreakerModule.forRoot(options)],
    providers,
  }).compile();
}

/** Options of the wrong type, as plain JavaScript or an untyped config file could pass them. */
const untyped = (options: Record<string, unknown>) => options as CircuitBreakerModuleOptions;

describe('CircuitBreakerModule start-up with per-key options', () => {
  const apps = new NestApps();
  afterEach(() => apps.closeAll());

  describe.each(['maxBreakers', 'idleTimeout'])('option %s', (option) => {
    it.each([
      [0, RangeError, /got 0\./],
      [-1, RangeError, /got -1\./],
      [1.5, RangeError, /got 1\.5\./],
      [Infinity, RangeError, /got Infinity\./],
      [Number.NaN, TypeError, /got NaN\./],
      ['100', TypeError, /got "100"\./],
      [null, TypeError, /got null\./],
    ])(
      'fails on %p with an error naming the option and quoting the value',
      async (value, type, quoted) => {
        const start = compileWith(untyped({ [option]: value }));

        await expect(start).rejects.toThrow(type);
        await expect(start).rejects.toThrow(
          new RegExp(
            `CircuitBreakerModule options: option "${option}" must be a whole number of at least 1`,
          ),
        );
        await expect(start).rejects.toThrow(quoted);
      },
    );

    it('starts with 1', async () => {
      await expect(
        apps.context({ imports: [CircuitBreakerModule.forRoot({ [option]: 1 })] }),
      ).resolves.toBeDefined();
    });
  });

  describe('with a name pattern', () => {
    it('fails on invalid options, naming the pattern, the option and the value', async () => {
      const start = compileWith({ breakers: { 'payments-*': { timeout: 0 } } });

      await expect(start).rejects.toThrow(RangeError);
      await expect(start).rejects.toThrow(
        /Circuit breaker pattern "payments-\*": option "timeout" .*got 0\b/,
      );
    });

    it('fails on an option the breakers do not know, naming the pattern', async () => {
      const start = compileWith(untyped({ breakers: { '*-api': { failureTreshold: 1 } } }));

      await expect(start).rejects.toThrow(
        /Circuit breaker pattern "\*-api": unknown option "failureTreshold"/,
      );
    });
  });

  describe('with a plain use named like a per-key breaker of a keyed use', () => {
    it.each([
      ['the keyed use first', [ModelClient, GptClient]],
      ['the plain use first', [GptClient, ModelClient]],
    ])('fails naming both names and the plain use, %s', async (_order, providers) => {
      const start = apps.context({
        imports: [CircuitBreakerModule.forRoot({ logger: false })],
        providers,
      });

      await expect(start).rejects.toThrow(
        /Circuit breaker "model-api:gpt-x" \(GptClient\.complete\) is named like a per-key breaker of "model-api"/,
      );
    });

    it('starts when no key could take the name', async () => {
      const start = apps.context({
        imports: [CircuitBreakerModule.forRoot({ logger: false })],
        providers: [ModelClient, DiscountClient],
      });

      await expect(start).resolves.toBeDefined();
    });
  });
});
