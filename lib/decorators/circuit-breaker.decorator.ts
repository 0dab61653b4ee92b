import { Inject, UseInterceptors } from '@nestjs/common';
import { isObservable, Observable, throwError } from 'rxjs';
import type { BreakerOptions } from '../core/index.js';
import type { Breaker } from '../core/index.js';
import { assertBreakerName, validateBreakerOptions } from '../core/index.js';
import { isThenable, REFUSED } from '../core/breaker.js';
import { BreakerRegistry } from '../breaker.registry.js';
import { CIRCUIT_BREAKER_METADATA, REGISTRY_PROPERTY } from '../circuit-breaker.constants.js';
import { CircuitBreakerInterceptor } from '../interceptors/circuit-breaker.interceptor.js';
import type { CircuitBreakerDecoratorOptions } from '../interfaces/index.js';
import {
  decoratorOwner,
  keyNotAFunction,
  keyNotAString,
  noRegistry,
  notAMethod,
  siteOf,
} from '../messages.js';
import { guardObservable } from '../utils/guard-observable.js';

/** What `@CircuitBreaker()` records on the method, read at start-up to create the breakers. */
export interface CircuitBreakerMetadata {
  /** The breaker's name. */
  readonly name: string;
  /** Options this use gives the breaker, over the module's defaults and per-name overrides. */
  readonly options?: BreakerOptions;
  /** Whether the use gives each key its own breaker (the `key` option). */
  readonly keyed?: boolean;
}

/** What a guarded method returns; learnt from its declared type or its first result. */
type ResultKind = 'unknown' | 'value' | 'promise' | 'observable';

type AnyMethod = (...args: unknown[]) => unknown;

/**
 * Runs every call of a provider's or controller's method through the named breaker of the
 * application's `BreakerRegistry`. Breakers are shared by name across the application.
 *
 * - A method returning a value or a Promise is guarded per call; a refusal throws (or rejects,
 *   for async methods) a `CircuitOpenError` without running the method.
 * - A method returning an Observable is guarded per subscription.
 * - On a controller or gateway, `CircuitBreakerInterceptor` is applied to the method too, so a
 *   refusal reaches HTTP, RPC and WebSocket clients as a 503, an `RpcException` or a `WsException`.
 * - With a `key` option, each call runs through the per-key breaker `<name>:<key>` of the key
 *   derived from its arguments, configured like `name`'s; see
 *   {@link CircuitBreakerDecoratorOptions.key}.
 *
 * The name and options are checked when the class is defined.
 *
 * @param name - The breaker's name, such as `model-api`.
 * @param options - Options for this breaker, over the module's; every use of a name must agree
 * (`key` aside).
 * @throws TypeError or RangeError naming the option and the method when the name or an option
 * is invalid.
 *
 * @example
 * ```ts
 * @Injectable()
 * export class CompletionService {
 *   @CircuitBreaker('model-api', { failureThreshold: 3 })
 *   complete(prompt: string): Promise<string> {
 *     return this.http.post('/v1/complete', { prompt });
 *   }
 *
 *   // One breaker per model: a failing model leaves the others' calls flowing.
 *   @CircuitBreaker('model-api', { key: (model: string) => model })
 *   completeWith(model: string, prompt: string): Promise<string> {
 *     return this.http.post(`/v1/models/${model}/complete`, { prompt });
 *   }
 * }
 * ```
 */
export function CircuitBreaker(name: string, options?: CircuitBreakerDecoratorOptions): MethodDecorator {
  assertBreakerName(name);

  return (target, key, descriptor) => {
    const site = siteOf(target.constructor.name, key);
    const original = descriptor.value as unknown;
    if (typeof original !== 'function') throw new TypeError(notAMethod(site));

    const owner = decoratorOwner(site, name);
    const { keyOf, breakerOptions } = splitKeyOption(owner, options);
    validateBreakerOptions(owner, breakerOptions);

    const kind = initialKind(target, key, original as AnyMethod);
    const guarded =
      keyOf === undefined
        ? guard(original as AnyMethod, name, site, kind)
        : guardPerKey(original as AnyMethod, name, site, kind, keyOf);
    copyMetadata(original, guarded);
    Object.defineProperty(guarded, 'name', { value: original.name });
    const metadata: CircuitBreakerMetadata = { name, options: breakerOptions, keyed: keyOf !== undefined };
    Reflect.defineMetadata(CIRCUIT_BREAKER_METADATA, metadata, guarded);

    descriptor.value = guarded as typeof descriptor.value;
    Inject(BreakerRegistry)(target, REGISTRY_PROPERTY);
    UseInterceptors(CircuitBreakerInterceptor)(target, key, descriptor);

    return descriptor;
  };
}

/**
 * Separates the Nest-layer `key` option from the breaker's own options, which the core
 * validates and rejects unknown names in.
 *
 * @throws TypeError naming the use when `key` is given but is not a function.
 */
function splitKeyOption(
  owner: string,
  options: CircuitBreakerDecoratorOptions | undefined,
): { keyOf: AnyMethod | undefined; breakerOptions: BreakerOptions | undefined } {
  if (typeof options !== 'object' || options === null || !Object.hasOwn(options, 'key')) {
    // Anything else (not an object, an array) is for validateBreakerOptions to reject.
    return { keyOf: undefined, breakerOptions: options };
  }

  const { key, ...breakerOptions } = options;
  if (key !== undefined && typeof key !== 'function') throw new TypeError(keyNotAFunction(owner, key));
  return { keyOf: key as AnyMethod | undefined, breakerOptions };
}

/**
 * The method that replaces the decorated one, for a use without `key`. It keeps the whole call
 * inline, apart from the per-key path: it is the hot path, and passing `arguments` on to a
 * helper would build an object per call.
 */
function guard(original: AnyMethod, name: string, site: string, kind: ResultKind): AnyMethod {
  // The breaker of the last registry seen: a registry never replaces a named breaker it made,
  // and one application per process is the rule, so the name lookup is skipped on the hot path.
  let lastRegistry: BreakerRegistry | undefined;
  let lastBreaker: Breaker | undefined;

  return function guarded(this: Record<symbol, BreakerRegistry | undefined>) {
    const registry = this?.[REGISTRY_PROPERTY];
    if (registry === undefined) throw new Error(noRegistry(site, name));

    let breaker = lastBreaker;
    if (registry !== lastRegistry || breaker === undefined) {
      breaker = lastBreaker = registry.get(name);
      lastRegistry = registry;
    }

    // `arguments` rather than a rest parameter: no array is built per call.
    const args = arguments as unknown as unknown[];

    if (kind === 'observable') {
      const source = original.apply(this, args);
      return isObservable(source) ? guardObservable(breaker, source) : source;
    }

    const ticket = breaker.admit();
    if (ticket === REFUSED) {
      const refusal = breaker.refusal();
      if (kind === 'promise') return Promise.reject(refusal);
      throw refusal;
    }

    let result: unknown;
    try {
      result = original.apply(this, args);
    } catch (error) {
      breaker.settleError(ticket, error);
      throw error;
    }

    if (isThenable(result)) {
      kind = 'promise';
      return breaker.watch(ticket, result);
    }

    if (isObservable(result)) {
      // The method built the Observable without running it: count from its subscription on.
      kind = 'observable';
      breaker.release(ticket);
      return guardObservable(breaker, result);
    }

    kind = 'value';
    breaker.settleSuccess(ticket);
    return result;
  };
}

/** What a guarded method is known to return, shared by its calls. */
interface KindOfResult {
  kind: ResultKind;
}

/**
 * The method that replaces the decorated one, for a use with `key`: each call runs through the
 * per-key breaker of the key `keyOf` derives from its arguments. Per-key breakers can be
 * dropped when idle, so none is cached: the registry finds it per call.
 */
function guardPerKey(original: AnyMethod, name: string, site: string, kind: ResultKind, keyOf: AnyMethod): AnyMethod {
  const known: KindOfResult = { kind };

  return function guardedPerKey(this: Record<symbol, BreakerRegistry | undefined>) {
    const registry = this?.[REGISTRY_PROPERTY];
    if (registry === undefined) throw new Error(noRegistry(site, name));

    const args = arguments as unknown as unknown[];
    let key: unknown;
    try {
      key = keyOf.apply(this, args);
    } catch (error) {
      return failWithout(known.kind, error);
    }
    if (typeof key !== 'string') return failWithout(known.kind, new TypeError(keyNotAString(site, name, key)));

    return callThrough(registry.forKey(name, key), original, this, args, known);
  };
}

/** Runs one call through `breaker`, as {@link guard} does inline, learning the result's kind. */
function callThrough(breaker: Breaker, original: AnyMethod, self: unknown, args: unknown[], known: KindOfResult): unknown {
  if (known.kind === 'observable') {
    const source = original.apply(self, args);
    return isObservable(source) ? guardObservable(breaker, source) : source;
  }

  const ticket = breaker.admit();
  if (ticket === REFUSED) return failWithout(known.kind, breaker.refusal());

  let result: unknown;
  try {
    result = original.apply(self, args);
  } catch (error) {
    breaker.settleError(ticket, error);
    throw error;
  }

  if (isThenable(result)) {
    known.kind = 'promise';
    return breaker.watch(ticket, result);
  }

  if (isObservable(result)) {
    known.kind = 'observable';
    breaker.release(ticket);
    return guardObservable(breaker, result);
  }

  known.kind = 'value';
  breaker.settleSuccess(ticket);
  return result;
}

/**
 * Ends a call that cannot run, in the form its caller expects: a rejected Promise, an
 * Observable that errors, or a synchronous throw while the method's kind is unknown. A key
 * function's failure takes this form too: with no key, no breaker counts the call.
 */
function failWithout(kind: ResultKind, error: unknown): unknown {
  if (kind === 'promise') return Promise.reject(error);
  if (kind === 'observable') return throwError(() => error);
  throw error;
}

/**
 * What the method returns, as far as can be told before it runs: the declared return type
 * when decorator metadata was emitted, or an `async` function; otherwise learnt on first call.
 */
function initialKind(target: object, key: string | symbol, method: AnyMethod): ResultKind {
  const declared: unknown = Reflect.getMetadata('design:returntype', target, key);
  if (declared === Observable) return 'observable';
  if (declared === Promise || method.constructor.name === 'AsyncFunction') return 'promise';

  return 'unknown';
}

/** Keeps what decorators applied before this one recorded on the original function. */
function copyMetadata(from: object, to: object): void {
  for (const key of Reflect.getOwnMetadataKeys(from)) {
    Reflect.defineMetadata(key, Reflect.getOwnMetadata(key, from), to);
  }
}

