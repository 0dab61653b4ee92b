import 'reflect-metadata';
import { Injectable } from '@nestjs/common';
import { firstValueFrom, Observable, of } from 'rxjs';
import {
  CircuitBreaker,
  type CircuitBreakerDecoratorOptions,
  CircuitOpenError,
  isCircuitOpenError,
} from 'nestjs-circuit-breaker';
import { NestApps } from '../fixtures/nest-apps.js';
import { MODEL_API } from './fixtures/model-client.js';
import { type PerKeyApp, startPerKeyApp } from './fixtures/start.js';

/** The model API's error when a key function gives up: a lookup of a route table, say. */
class UnknownTenantError extends Error {}

/** Keyed methods of every result kind, counting the calls that actually ran. */
@Injectable()
class TenantClient {
  readonly prefix = 'tenant-';
  ran = 0;

  @CircuitBreaker('tenants', {
    key(this: TenantClient, _path: string, tenant: string) {
      return `${this.prefix}${tenant}`;
    },
  })
  fetch(path: string, tenant: string): string {
    this.ran++;
    return `${tenant}${path}`;
  }

  @CircuitBreaker('lookups', {
    key: (tenant: string) => {
      if (tenant === '?') throw new UnknownTenantError('no such tenant');
      return tenant as string;
    },
  })
  lookup(tenant: string): string {
    this.ran++;
    return tenant;
  }

  @CircuitBreaker('untyped', {
    key: ((id: unknown) => id) as CircuitBreakerDecoratorOptions['key'],
  })
  untyped(id: unknown): unknown {
    this.ran++;
    return id;
  }

  @CircuitBreaker('async-lookups', { key: (tenant: unknown) => tenant as string })
  async lookupAsync(tenant: unknown): Promise<unknown> {
    this.ran++;
    return tenant;
  }

  @CircuitBreaker('streams', { key: (tenant: unknown) => tenant as string })
  stream(tenant: unknown): Observable<unknown> {
    this.ran++;
    return of(tenant);
  }
}

/** Catches what a call throws synchronously. */
function thrownBy(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

/** Defines a class with one method decorated with these options, as a module load would. */
function defineWith(options: unknown): void {
  class Defined {
    @CircuitBreaker('defined', options as CircuitBreakerDecoratorOptions)
    call(): void {}
  }
  void Defined;
}

describe('@CircuitBreaker(name, { key })', () => {
  const apps = new NestApps();
  let app: PerKeyApp;

  beforeEach(async () => {
    app = await startPerKeyApp(apps, {}, [TenantClient]);
  });

  afterEach(() => apps.closeAll());

  describe('with one key failing', () => {
    beforeEach(() => app.models.failTimes('gpt-x', 2));

    it('opens the breaker of the failing key', () => {
      expect(app.registry.get(`${MODEL_API}:gpt-x`).state).toBe('open');
    });

    it("leaves another key's breaker closed and its calls running", () => {
      expect(app.models.complete('claude-y', 'answer')).toBe('answer');
      expect(app.registry.get(`${MODEL_API}:claude-y`).state).toBe('closed');
    });

    it('refuses calls for the failing key with the per-key breaker named in the error', () => {
      const error = app.models.errorOf('gpt-x');

      expect(error).toBeInstanceOf(CircuitOpenError);
      expect((error as CircuitOpenError).breakerName).toBe(`${MODEL_API}:gpt-x`);
    });

    it('counts nothing on the base breaker', () => {
      expect(app.registry.get(MODEL_API).getStats()).toMatchObject({
        state: 'closed',
        calls: 0,
        failures: 0,
      });
    });
  });

  describe('naming per-key breakers', () => {
    it('names each one after the base name and the key, joined by a colon', () => {
      app.models.complete('gpt-x', 'ok');

      expect(app.registry.has('model-api:gpt-x')).toBe(true);
      expect(app.registry.keyName(MODEL_API, 'gpt-x')).toBe('model-api:gpt-x');
    });

    it.each([
      ['db:5432', 'model-api:db%3A5432'],
      ['50%', 'model-api:50%25'],
      ['a%3Ab', 'model-api:a%253Ab'],
      ['', 'model-api:'],
    ])('writes key %p as %p, percent-encoding colons and percent signs', (key, name) => {
      app.models.complete(key, 'ok');

      expect(app.registry.has(name)).toBe(true);
    });

    it('gives keys that read alike once encoded their own breakers', () => {
      app.models.failTimes('a:b', 2);

      expect(app.registry.get(app.registry.keyName(MODEL_API, 'a:b')).state).toBe('open');
      expect(app.models.complete('a%3Ab', 'still served')).toBe('still served');
    });

    it('keeps a per-key name apart from a named breaker whose name holds the base and a colon', () => {
      // "model-api:x" for key "x" and the per-key breaker of base "model-api:x" for key "y".
      app.models.failTimes('x', 2);
      const nested = app.registry.forKey('model-api:x', 'y');

      expect(nested.name).toBe('model-api:x:y');
      expect(nested.state).toBe('closed');
    });
  });

  describe('calling the key function', () => {
    it("passes it the call's arguments and the instance as this", () => {
      const tenants = app.get(TenantClient);

      tenants.fetch('/orders', 'acme');

      expect(app.registry.has('tenants:tenant-acme')).toBe(true);
    });

    it('lets its error reach the caller unchanged without running the method', () => {
      const tenants = app.get(TenantClient);

      const error = thrownBy(() => tenants.lookup('?'));

      expect(error).toBeInstanceOf(UnknownTenantError);
      expect(tenants.ran).toBe(0);
    });

    it('counts a call whose key function threw on no breaker', () => {
      thrownBy(() => app.get(TenantClient).lookup('?'));

      expect(app.registry.list().filter((stats) => stats.name.startsWith('lookups'))).toEqual([
        expect.objectContaining({ name: 'lookups', calls: 0, failures: 0 }),
      ]);
    });

    it.each([
      [undefined, /returned undefined \(undefined\)/],
      [42, /returned 42 \(number\)/],
      [{ id: 1 }, /returned \{"id":1\} \(object\)/],
    ])(
      'throws a TypeError naming the method when it returns %p, without running the method',
      (key, message) => {
        const tenants = app.get(TenantClient);

        const error = thrownBy(() => tenants.untyped(key));

        expect(error).toBeInstanceOf(TypeError);
        expect((error as Error).message).toMatch(/TenantClient\.untyped .*"untyped"/);
        expect((error as Error).message).toMatch(message);
        expect(tenants.ran).toBe(0);
      },
    );

    it('rejects the Promise of an async method instead of throwing', async () => {
      const tenants = app.get(TenantClient);
      let result: Promise<unknown> | undefined;

      expect(() => (result = tenants.lookupAsync(7))).not.toThrow();
      await expect(result).rejects.toThrow(TypeError);
      expect(tenants.ran).toBe(0);
    });

    it('errors the Observable of a method returning one', async () => {
      const tenants = app.get(TenantClient);

      await expect(firstValueFrom(tenants.stream(7))).rejects.toThrow(/returned 7 \(number\)/);
      expect(tenants.ran).toBe(0);
    });

    it('still guards Observable and async methods per key', async () => {
      const tenants = app.get(TenantClient);

      await expect(firstValueFrom(tenants.stream('acme'))).resolves.toBe('acme');
      await expect(tenants.lookupAsync('acme')).resolves.toBe('acme');
      expect(app.registry.get('streams:acme').getStats().successes).toBe(1);
      expect(app.registry.get('async-lookups:acme').getStats().successes).toBe(1);
    });
  });
});

describe('@CircuitBreaker(name, { key }) at class definition', () => {
  it('rejects a key that is not a function, naming the use and quoting the value', () => {
    expect(() => defineWith({ key: 'model' })).toThrow(TypeError);
    expect(() => defineWith({ key: 'model' })).toThrow(
      /@CircuitBreaker\("defined"\) on Defined\.call: option "key" must be a function .*got "model" \(string\)/,
    );
  });

  it('accepts key beside breaker options, which the core alone would reject as unknown', () => {
    expect(() => defineWith({ key: () => 'k', failureThreshold: 1 })).not.toThrow();
  });

  it('still rejects the other options when they are invalid', () => {
    expect(() => defineWith({ key: () => 'k', failureTreshold: 1 })).toThrow(
      /unknown option "failureTreshold"/,
    );
  });

  it('reads key: undefined as no key', () => {
    expect(() => defineWith({ key: undefined })).not.toThrow();
  });
});

describe('@CircuitBreaker(name) beside @CircuitBreaker(name, { key })', () => {
  /** One client calling the model API as a whole and per model. */
  @Injectable()
  class MixedClient {
    @CircuitBreaker('mixed', { failureThreshold: 1 })
    whole(fail: boolean): string {
      if (fail) throw new Error('down');
      return 'whole';
    }

    @CircuitBreaker('mixed', { failureThreshold: 1, key: (model: string) => model })
    perModel(model: string): string {
      return model;
    }
  }

  const apps = new NestApps();
  afterEach(() => apps.closeAll());

  it('starts when both give the same options, key aside', async () => {
    await expect(startPerKeyApp(apps, {}, [MixedClient])).resolves.toBeDefined();
  });

  it('runs the plain use through the base breaker and the keyed one per key', async () => {
    const app = await startPerKeyApp(apps, {}, [MixedClient]);
    const client = app.get(MixedClient);

    thrownBy(() => client.whole(true));

    expect(isCircuitOpenError(thrownBy(() => client.whole(false)))).toBe(true);
    expect(client.perModel('gpt-x')).toBe('gpt-x');
  });
});
