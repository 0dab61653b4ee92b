import 'reflect-metadata';
import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  CircuitBreaker,
  CircuitBreakerModule,
  type CircuitBreakerModuleOptions,
} from 'nestjs-circuit-breaker';
import { NestApps } from './fixtures/nest-apps.js';

/** Compiles an application importing the module with these options, as a start-up would. */
function compileWith(options: CircuitBreakerModuleOptions) {
  return Test.createTestingModule({ imports: [CircuitBreakerModule.forRoot(options)] }).compile();
}

/** Options of the wrong type, as plain JavaScript or an untyped config file could pass them. */
const untyped = (options: Record<string, unknown>) => options as CircuitBreakerModuleOptions;

describe('CircuitBreakerModule start-up', () => {
  const apps = new NestApps();
  afterEach(() => apps.closeAll());

  describe('with invalid defaults', () => {
    it.each([
      ['failureThreshold', 0, RangeError, /"failureThreshold".*got 0\b/],
      ['timeout', -1, RangeError, /"timeout".*got -1\b/],
      ['successThreshold', 1.5, RangeError, /"successThreshold".*got 1\.5\b/],
      ['halfOpenMaxCalls', 'abc', TypeError, /"halfOpenMaxCalls".*got "abc"/],
    ])(
      'fails naming the defaults, option %s and its value %p',
      async (option, value, type, message) => {
        const start = compileWith(untyped({ defaults: { [option]: value } }));

        await expect(start).rejects.toThrow(type);
        await expect(start).rejects.toThrow(/CircuitBreakerModule options, defaults/);
        await expect(start).rejects.toThrow(message);
      },
    );

    it('fails naming an option the breakers do not know', async () => {
      const start = compileWith(untyped({ defaults: { failureTreshold: 3 } }));

      await expect(start).rejects.toThrow(TypeError);
      await expect(start).rejects.toThrow(/defaults: unknown option "failureTreshold"/);
    });
  });

  describe('with an invalid per-breaker override', () => {
    it('fails naming the breaker, the option and the value', async () => {
      const start = compileWith({ breakers: { 'model-api': { timeout: 0 } } });

      await expect(start).rejects.toThrow(RangeError);
      await expect(start).rejects.toThrow(
        /Circuit breaker "model-api": option "timeout" .*got 0\b/,
      );
    });
  });

  describe('with an unknown module option', () => {
    it('fails naming the option and the known ones', async () => {
      const start = compileWith(untyped({ default: { timeout: 1_000 } }));

      await expect(start).rejects.toThrow(TypeError);
      await expect(start).rejects.toThrow(/unknown option "default".*defaults, breakers, logger/);
    });
  });

  describe('with a logger of the wrong type', () => {
    it.each([
      ['a string', 'console', /option "logger" must be a LoggerService or false, got "console"/],
      ['true', true, /option "logger" must be a LoggerService or false, got true/],
      [
        'an object without log()',
        { info: () => undefined },
        /option "logger" must be a LoggerService or false/,
      ],
    ])('fails for %s, naming the option and the value', async (_label, logger, message) => {
      const start = compileWith(untyped({ logger }));

      await expect(start).rejects.toThrow(TypeError);
      await expect(start).rejects.toThrow(message);
    });
  });

  describe('with forRootAsync() options that are invalid', () => {
    it('fails naming the option, the breaker and the value', async () => {
      const start = Test.createTestingModule({
        imports: [
          CircuitBreakerModule.forRootAsync({
            useFactory: () => ({ breakers: { search: { halfOpenMaxCalls: -2 } } }),
          }),
        ],
      }).compile();

      await expect(start).rejects.toThrow(
        /Circuit breaker "search": option "halfOpenMaxCalls" .*got -2\b/,
      );
    });
  });

  describe('@CircuitBreaker() with an invalid name or option', () => {
    it('throws a TypeError naming the empty name when the class is defined', () => {
      const define = () => {
        class Client {
          @CircuitBreaker('')
          call(): string {
            return 'ok';
          }
        }
        return Client;
      };

      expect(define).toThrow(TypeError);
      expect(define).toThrow(/name must be a non-empty string, got ""/);
    });

    it('throws a RangeError naming the method, the option and the value when the class is defined', () => {
      const define = () => {
        class Client {
          @CircuitBreaker('x', { timeout: -5 })
          call(): string {
            return 'ok';
          }
        }
        return Client;
      };

      expect(define).toThrow(RangeError);
      expect(define).toThrow(/@CircuitBreaker\("x"\) on Client\.call: option "timeout" .*got -5\b/);
    });
  });

  describe('with two decorator uses of one name', () => {
    @Injectable()
    class SearchClient {
      @CircuitBreaker('search', { failureThreshold: 3 })
      query(): string {
        return 'results';
      }
    }

    it('fails when their options differ, naming both Class.method sites', async () => {
      @Injectable()
      class SuggestClient {
        @CircuitBreaker('search', { failureThreshold: 4 })
        suggest(): string {
          return 'suggestions';
        }
      }

      const start = apps.context({
        imports: [CircuitBreakerModule.forRoot()],
        providers: [SearchClient, SuggestClient],
      });

      await expect(start).rejects.toThrow(/Circuit breaker "search" gets different options/);
      await expect(start).rejects.toThrow(/SearchClient\.query/);
      await expect(start).rejects.toThrow(/SuggestClient\.suggest/);
    });

    it('starts when their options are the same', async () => {
      @Injectable()
      class SuggestClient {
        @CircuitBreaker('search', { failureThreshold: 3 })
        suggest(): string {
          return 'suggestions';
        }
      }

      const start = apps.context({
        imports: [CircuitBreakerModule.forRoot()],
        providers: [SearchClient, SuggestClient],
      });

      await expect(start).resolves.toBeDefined();
    });
  });
});
