import { Inject, UseInterceptors } from '@nestjs/common';
import { Observable } from 'rxjs';
import type { BreakerOptions } from '../core/index.js';
import type { Breaker } from '../core/index.js';
import { assertBreakerName, validateBreakerOptions } from '../core/index.js';
import { BreakerRegistry } from '../breaker.registry.js';
import { CIRCUIT_BREAKER_METADATA, REGISTRY_PROPERTY } from '../circuit-breaker.constants.js';
import { CircuitBreakerInterceptor } from '../interceptors/circuit-breaker.interceptor.js';
import type { CircuitBreakerDecoratorOptions } from '../interfaces/index.js';
import type { AnyMethod, KnownResult, ResultKind } from './guarded-call.js';
import { callPlain, callThrough, failWithout } from './guarded-call.js';
import {
  decoratorOwner,
  fallbackMethodMissing,
  fallbackNotUsable,
  keyNotAFunction,
  keyNotAString,
  noRegistry,
  notAMethod,
  siteOf,
} from '../messages.js';

/** What `@CircuitBreaker()` records on the method, read at start-up to create the breakers. */
export interface CircuitBreakerMetadata {
  /** The breaker's name. */
  readonly name: string;
  /** Options this use gives the breaker, over the module's defaults and per-name overrides. */
  readonly options?: BreakerOptions;
  /** Whether the use gives each key its own breaker (the `key` option). */
  readonly keyed?: boolean;
}

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
export function CircuitBreaker(
  name: string,
  options?: CircuitBreakerDecoratorOptions,
): MethodDecorator {
  assertBreakerName(name);

  return (target, key, descriptor) => {
    const site = siteOf(target.constructor.name, key);
    const original = descriptor.value as unknown;
    if (typeof original !== 'function') throw new TypeError(notAMethod(site));

    const owner = decoratorOwner(site, name);
    const { keyOf, fallback, breakerOptions } = splitUseOptions(owner, target, options);
    validateBreakerOptions(owner, breakerOptions);

    const known: KnownResult = { kind: initialKind(target, key, original as AnyMethod) };
    const guarded =
      keyOf === undefined
        ? guard(original as AnyMethod, name, site, known, fallback)
        : guardPerKey(original as AnyMethod, name, site, known, fallback, keyOf);
    copyMetadata(original, guarded);
    Object.defineProperty(guarded, 'name', { value: original.name });
    const metadata: CircuitBreakerMetadata = {
      name,
      options: breakerOptions,
      keyed: keyOf !== undefined,
    };
    Reflect.defineMetadata(CIRCUIT_BREAKER_METADATA, metadata, guarded);

    descriptor.value = guarded as typeof descriptor.value;
    Inject(BreakerRegistry)(target, REGISTRY_PROPERTY);
    UseInterceptors(CircuitBreakerInterceptor)(target, key, descriptor);

    return descriptor;
  };
}

/**
 * Separates the options that belong to one use (`key`, `fallback`) from the breaker's own
 * options, which the core validates and rejects unknown names in.
 *
 * @throws TypeError naming the use when `key` is not a function, or `fallback` is neither a
 * function nor the name of a method of the class.
 */
function splitUseOptions(
  owner: string,
  target: object,
  options: CircuitBreakerDecoratorOptions | undefined,
): {
  keyOf: AnyMethod | undefined;
  fallback: AnyMethod | null;
  breakerOptions: BreakerOptions | undefined;
} {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    // Anything else is for validateBreakerOptions to reject.
    return {
      keyOf: undefined,
      fallback: null,
      breakerOptions: options as BreakerOptions | undefined,
    };
  }

  const { key, fallback, ...breakerOptions } = options;
  if (key !== undefined && typeof key !== 'function')
    throw new TypeError(keyNotAFunction(owner, key));

  return {
    keyOf: key as AnyMethod | undefined,
    fallback: fallbackOf(owner, target, fallback),
    breakerOptions,
  };
}

/**
 * The use's fallback: a function, or a method of the class named by a string. The class's
 * methods are all defined when a method decorator runs, so a missing one fails right away.
 */
function fallbackOf(owner: string, target: object, fallback: unknown): AnyMethod | null {
  if (fallback === undefined || fallback === null) return null;
  if (typeof fallback === 'function') return fallback as AnyMethod;
  if (typeof fallback !== 'string') throw new TypeError(fallbackNotUsable(owner, fallback));

  const method = (target as Record<string, unknown>)[fallback];
  if (typeof method !== 'function') throw new TypeError(fallbackMethodMissing(owner, fallback));
  return method as AnyMethod;
}

/**
 * The method that replaces the decorated one, for a use without `key`. It keeps the breaker of
 * the last registry seen: a registry never replaces a named breaker it made, and one
 * application per process is the rule, so the name lookup is skipped on the hot path.
 */
function guard(
  original: AnyMethod,
  name: string,
  site: string,
  known: KnownResult,
  fallback: AnyMethod | null,
): AnyMethod {
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

    // The common case goes straight to the hot path.
    if (fallback === null && breaker.plain && known.kind !== 'observable') {
      return callPlain(breaker, original, this, arguments, known);
    }
    return callThrough(breaker, original, this, arguments, known, fallback);
  };
}

/**
 * The method that replaces the decorated one, for a use with `key`: each call runs through the
 * per-key breaker of the key `keyOf` derives from its arguments. Per-key breakers can be
 * dropped when idle, so none is cached: the registry finds it per call.
 */
function guardPerKey(
  original: AnyMethod,
  name: string,
  site: string,
  known: KnownResult,
  fallback: AnyMethod | null,
  keyOf: AnyMethod,
): AnyMethod {
  return function guardedPerKey(this: Record<symbol, BreakerRegistry | undefined>) {
    const registry = this?.[REGISTRY_PROPERTY];
    if (registry === undefined) throw new Error(noRegistry(site, name));

    let key: unknown;
    try {
      key = keyOf.apply(this, arguments as unknown as unknown[]);
    } catch (error) {
      return failWithout(known.kind, error);
    }
    if (typeof key !== 'string')
      return failWithout(known.kind, new TypeError(keyNotAString(site, name, key)));

    return callThrough(registry.forKey(name, key), original, this, arguments, known, fallback);
  };
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
