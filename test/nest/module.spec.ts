import 'reflect-metadata';
import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  BreakerRegistry,
  CircuitBreaker,
  CircuitBreakerModule,
  CircuitOpenError,
  type CircuitBreakerModuleOptions,
} from 'nestjs-circuit-breaker';
import {
  BreakerConfig,
  BreakerConfigModule,
  ConfigBackedOptions,
} from './fixtures/breaker-config.module.js';
import { NestApps } from './fixtures/nest-apps.js';
import { PAYMENTS, PaymentsClient } from './fixtures/payments-client.js';

/** A provider whose decorated use gives the `layered` breaker its own successThreshold. */
@Injectable()
class LayeredClient {
  @CircuitBreaker('layered', { successThreshold: 6 })
  call(): string {
    return 'ok';
  }
}

/** A feature module that never imports CircuitBreakerModule itself. */
@Injectable()
class FeatureStatus {
  constructor(readonly registry: BreakerRegistry) {}
}

@Module({ providers: [PaymentsClient, FeatureStatus], exports: [PaymentsClient, FeatureStatus] })
class FeatureModule {}

describe('CircuitBreakerModule', () => {
  const apps = new NestApps();
  afterEach(() => apps.closeAll());

  /** The resolved options of one breaker in an application started with these imports. */
  async function optionsOf(name: string, imports: Parameters<NestApps['context']>[0]['imports']) {
    const moduleRef = await apps.context({ imports, providers: [LayeredClient] });
    return moduleRef.get(BreakerRegistry).get(name).options;
  }

  describe('forRoot() without options', () => {
    it('gives every breaker the library defaults', async () => {
      const options = await optionsOf('plain', [CircuitBreakerModule.forRoot()]);

      expect(options).toMatchObject({
        failureThreshold: 5,
        timeout: 30_000,
        successThreshold: 2,
        halfOpenMaxCalls: 1,
      });
    });
  });

  describe('forRoot() with defaults and per-name overrides', () => {
    const layered: CircuitBreakerModuleOptions = {
      defaults: { failureThreshold: 3, timeout: 1_000, successThreshold: 4 },
      breakers: { layered: { timeout: 2_000, successThreshold: 5 } },
    };

    it('applies the defaults over the library defaults to a breaker without overrides', async () => {
      const options = await optionsOf('plain', [CircuitBreakerModule.forRoot(layered)]);

      expect(options).toMatchObject({
        failureThreshold: 3,
        timeout: 1_000,
        successThreshold: 4,
        halfOpenMaxCalls: 1,
      });
    });

    it('lets the per-name overrides win over the defaults', async () => {
      const options = await optionsOf('layered', [CircuitBreakerModule.forRoot(layered)]);

      expect(options).toMatchObject({ failureThreshold: 3, timeout: 2_000 });
    });

    it("lets the decorator use's options win over the per-name overrides", async () => {
      const options = await optionsOf('layered', [CircuitBreakerModule.forRoot(layered)]);

      expect(options.successThreshold).toBe(6);
    });
  });

  describe('forRootAsync()', () => {
    it('builds the options with useFactory from a provider injected from an imported module', async () => {
      const options = await optionsOf('plain', [
        CircuitBreakerModule.forRootAsync({
          imports: [BreakerConfigModule],
          inject: [BreakerConfig],
          useFactory: (config: BreakerConfig) => ({ defaults: { timeout: config.timeout } }),
        }),
      ]);

      expect(options.timeout).toBe(4_321);
    });

    it('builds the options with useClass, calling createCircuitBreakerOptions() on its own instance', async () => {
      const options = await optionsOf('plain', [
        CircuitBreakerModule.forRootAsync({
          imports: [BreakerConfigModule],
          useClass: ConfigBackedOptions,
        }),
      ]);

      expect(options).toMatchObject({ failureThreshold: 7, timeout: 4_321 });
    });

    it('builds the options with useExisting, reusing a provider of an imported module', async () => {
      const moduleRef = await apps.context({
        imports: [
          CircuitBreakerModule.forRootAsync({
            imports: [BreakerConfigModule],
            useExisting: ConfigBackedOptions,
          }),
        ],
      });

      expect(moduleRef.get(BreakerRegistry).get('plain').options).toMatchObject({
        failureThreshold: 7,
        timeout: 4_321,
      });
    });
  });

  describe('with isGlobal: true', () => {
    async function startGlobal() {
      @Module({
        imports: [CircuitBreakerModule.forRoot({ isGlobal: true, logger: false }), FeatureModule],
      })
      class AppModule {}

      return apps.context({ imports: [AppModule] });
    }

    it('makes the registry injectable in a module that does not import it', async () => {
      const moduleRef = await startGlobal();

      expect(moduleRef.get(FeatureStatus).registry).toBe(moduleRef.get(BreakerRegistry));
    });

    it('guards decorated methods of a module that does not import it', async () => {
      const moduleRef = await startGlobal();

      moduleRef.get(PaymentsClient).charge('paid');

      expect(moduleRef.get(BreakerRegistry).get(PAYMENTS).getStats()).toMatchObject({
        calls: 1,
        successes: 1,
      });
    });
  });

  describe('without isGlobal', () => {
    it('leaves the registry out of reach of a module that does not import it, failing start-up', async () => {
      @Module({ imports: [CircuitBreakerModule.forRoot({ logger: false }), FeatureModule] })
      class AppModule {}

      await expect(Test.createTestingModule({ imports: [AppModule] }).compile()).rejects.toThrow(
        /BreakerRegistry/,
      );
    });
  });

  describe('in two applications of one process', () => {
    it('keeps a separate registry per application, so a breaker opened in one stays closed in the other', async () => {
      const forRoot = () =>
        CircuitBreakerModule.forRoot({ defaults: { failureThreshold: 1 }, logger: false });
      const first = await apps.context({ imports: [forRoot()], providers: [PaymentsClient] });
      const second = await apps.context({ imports: [forRoot()], providers: [PaymentsClient] });

      first.get(PaymentsClient).failTimes(1);

      expect(() => first.get(PaymentsClient).charge('paid')).toThrow(CircuitOpenError);
      expect(second.get(PaymentsClient).charge('paid')).toBe('paid');
      expect(second.get(BreakerRegistry).get(PAYMENTS).state).toBe('closed');
    });
  });
});
