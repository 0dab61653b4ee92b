import 'reflect-metadata';
import { Injectable } from '@nestjs/common';
import {
  type BreakerOptions,
  BreakerRegistry,
  CircuitBreaker,
  CircuitBreakerModule,
} from 'nestjs-circuit-breaker';
import { NestApps } from '../fixtures/nest-apps.js';

/** A named breaker whose decorator use gives it options. */
@Injectable()
class RefundsClient {
  @CircuitBreaker('payments-refunds', { failureThreshold: 8 })
  refund(): void {}
}

describe('CircuitBreakerModule.forRoot({ breakers }) with name patterns', () => {
  const apps = new NestApps();
  afterEach(() => apps.closeAll());

  /** The registry of an application with these `breakers` entries. */
  async function registryWith(breakers: Record<string, BreakerOptions>): Promise<BreakerRegistry> {
    const moduleRef = await apps.context({
      imports: [CircuitBreakerModule.forRoot({ logger: false, breakers })],
      providers: [RefundsClient],
    });
    return moduleRef.get(BreakerRegistry);
  }

  describe('matching', () => {
    it('applies a trailing * to every name starting with what precedes it', async () => {
      const registry = await registryWith({ 'payments-*': { failureThreshold: 3 } });

      expect(registry.get('payments-eu').options.failureThreshold).toBe(3);
      expect(registry.get('payments-').options.failureThreshold).toBe(3);
    });

    it('leaves names that do not match with the defaults', async () => {
      const registry = await registryWith({ 'payments-*': { failureThreshold: 3 } });

      expect(registry.get('payments').options.failureThreshold).toBe(5);
      expect(registry.get('shipping-payments-eu').options.failureThreshold).toBe(5);
    });

    it('matches an embedded * against any run of characters', async () => {
      const registry = await registryWith({ 'eu-*-payments': { failureThreshold: 3 } });

      expect(registry.get('eu-card-payments').options.failureThreshold).toBe(3);
      expect(registry.get('eu--payments').options.failureThreshold).toBe(3);
      expect(registry.get('us-card-payments').options.failureThreshold).toBe(5);
    });

    it('matches several * in order', async () => {
      const registry = await registryWith({ '*-api-*-v2': { failureThreshold: 3 } });

      expect(registry.get('model-api-eu-v2').options.failureThreshold).toBe(3);
      expect(registry.get('model-api-v2').options.failureThreshold).toBe(5);
    });
  });

  describe('precedence', () => {
    it('puts an exact name over every pattern', async () => {
      const registry = await registryWith({
        'payments-eu': { failureThreshold: 9 },
        'payments-*': { failureThreshold: 3 },
      });

      expect(registry.get('payments-eu').options.failureThreshold).toBe(9);
    });

    it('puts the pattern with more characters other than * over the others', async () => {
      const registry = await registryWith({
        'payments-e*': { failureThreshold: 4 },
        '*': { failureThreshold: 2 },
        'pay*': { failureThreshold: 3 },
      });

      expect(registry.get('payments-eu').options.failureThreshold).toBe(4);
      expect(registry.get('payroll').options.failureThreshold).toBe(3);
      expect(registry.get('shipping').options.failureThreshold).toBe(2);
    });

    it('puts the pattern with fewer * first among patterns with as many other characters', async () => {
      const registry = await registryWith({
        'a*d': { failureThreshold: 3 },
        '*b-*': { failureThreshold: 4 },
      });

      expect(registry.get('ab-cd').options.failureThreshold).toBe(3);
    });

    it('puts the pattern written later first among equally specific ones', async () => {
      const registry = await registryWith({
        'ab*': { failureThreshold: 3 },
        '*cd': { failureThreshold: 4 },
      });

      expect(registry.get('ab-cd').options.failureThreshold).toBe(4);
    });

    it('takes each option from the most specific pattern that sets it', async () => {
      const registry = await registryWith({
        '*': { timeout: 5_000 },
        'payments-*': { failureThreshold: 3 },
      });

      expect(registry.get('payments-eu').options).toMatchObject({
        failureThreshold: 3,
        timeout: 5_000,
      });
    });

    it("puts a decorator use's options over patterns", async () => {
      const registry = await registryWith({
        'payments-*': { failureThreshold: 3, timeout: 5_000 },
      });

      expect(registry.get('payments-refunds').options).toMatchObject({
        failureThreshold: 8,
        timeout: 5_000,
      });
    });
  });
});
