import { breakerLabel, quote } from './core/messages.js';

/**
 * Every message the Nest layer shows to users, as small functions of their inputs.
 */

/** Where a decorator use sits, as `Class.method`. */
export const siteOf = (className: string, methodName: string | symbol) =>
  `${className}.${String(methodName)}`;

/** The owner phrase of option messages about a decorator use. */
export const decoratorOwner = (site: string, name: string) =>
  `@CircuitBreaker(${JSON.stringify(name)}) on ${site}`;

/** The decorator was put on something that is not a method. */
export const notAMethod = (site: string) =>
  `@CircuitBreaker() on ${site}: it decorates methods only, and ${site} is not a function.`;

/** A decorated method ran on an instance Nest did not create with the module available. */
export const noRegistry = (site: string, name: string) =>
  `${site} is guarded by circuit breaker ${JSON.stringify(name)}, but its instance has no breaker registry. ` +
  'Create it through Nest (not with `new`) in an application that imports CircuitBreakerModule.forRoot() ' +
  '(use isGlobal: true to reach every module), and call the method on that instance.';

/** Two decorator uses give one breaker different options. */
export const conflictingOptions = (name: string, first: string, second: string) =>
  `${breakerLabel(name)} gets different options from ${first} and ${second}. ` +
  'A breaker is shared by name: give both uses the same options, or put them in forRoot({ breakers }).';

/** Module options of the wrong shape. */
export const invalidModuleOptions = (key: string, value: unknown, expected: string) =>
  `CircuitBreakerModule options: option "${key}" must be ${expected}, got ${quote(value)}.`;

/** A module option the module does not know. */
export const unknownModuleOption = (key: string, known: readonly string[]) =>
  `CircuitBreakerModule options: unknown option "${key}". Known options: ${known.join(', ')}.` +
  (key === 'isGlobal'
    ? ' isGlobal goes beside the options, in forRoot({ isGlobal }) or forRootAsync({ isGlobal, useFactory }), not in what a factory returns.'
    : '');

/** The owner phrase of messages about the module's `defaults`. */
export const DEFAULTS_OWNER = 'CircuitBreakerModule options, defaults';

/** Reset asked for a breaker the registry has never seen. */
export const unknownBreaker = (name: string, known: readonly string[]) =>
  `No circuit breaker is named ${JSON.stringify(name)}. Known breakers: ${known.length ? known.map((n) => JSON.stringify(n)).join(', ') : 'none yet'}.`;

/** The log line of a state change. */
export const stateChangeLog = (name: string, from: string, to: string, detail: string) =>
  `${breakerLabel(name)}: ${from} -> ${to} (${detail})`;

/** What a refused HTTP, RPC or WebSocket client reads. */
export const refusedMessage = (name: string, retryAfterSeconds: number | null) =>
  retryAfterSeconds === null
    ? `${breakerLabel(name)} is held open: the request was not passed on. Retry later.`
    : `${breakerLabel(name)} is open: the request was not passed on. Retry in ${retryAfterSeconds} s.`;

/** The owner phrase of option messages about a `breakers` name pattern. */
export const patternLabel = (pattern: string) =>
  `Circuit breaker pattern ${JSON.stringify(pattern)}`;

/** A decorator's `key` option that is not a function. */
export const keyNotAFunction = (owner: string, value: unknown) =>
  `${owner}: option "key" must be a function (...args) => string deriving the key from the call's arguments, got ${quote(value)} (${typeof value}).`;

/** A `key` function returned something other than a string; the call did not run. */
export const keyNotAString = (site: string, name: string, value: unknown) =>
  `${site} is guarded by per-key circuit breakers of ${JSON.stringify(name)}, but its key function returned ${quote(value)} (${typeof value}) instead of a string. The call was not made.`;

/** A breaker name that is also the name of a per-key breaker of a keyed base. */
export const perKeyNameTaken = (name: string, base: string, site: string) =>
  `${breakerLabel(name)} (${site}) is named like a per-key breaker of ${JSON.stringify(base)}, whose keys make names "${base}:<key>". ` +
  'Rename one of them so that a key can never share a breaker with it.';

/**
 * The registry is full and no per-key breaker can make room: new keys use the base breaker.
 * Logged once per base name.
 */
export const registryFull = (base: string, maxBreakers: number) =>
  `The registry holds maxBreakers (${maxBreakers}) breakers and none of the least recently used per-key ones can go ` +
  `(they are open or running trial calls): calls for new keys of ${JSON.stringify(base)} run through ${breakerLabel(base)} itself until room frees up. ` +
  'Raise maxBreakers or lower idleTimeout if this lasts.';

/** `BreakerRegistry.forKey()` called with a key that is not a string. */
export const forKeyNotAString = (name: string, key: unknown) =>
  `BreakerRegistry.forKey(${JSON.stringify(name)}, key): the key must be a string, got ${quote(key)} (${typeof key}).`;

/** A health check named a breaker the registry did not know; it was created closed. */
export const unknownHealthBreaker = (name: string, known: readonly string[]) =>
  `isHealthy() named circuit breaker ${JSON.stringify(name)}, which nothing had created yet; it now exists and reports closed. ` +
  `If no code uses that name, check its spelling. Known breakers were: ${known.length ? known.map((n) => JSON.stringify(n)).join(', ') : 'none'}.`;

/** A decorator's `fallback` names no method of the class. */
export const fallbackMethodMissing = (owner: string, method: string) =>
  `${owner}: option "fallback" names method ${JSON.stringify(method)}, which the class does not have. Define it on the same class, or pass a function.`;

/** A decorator's `fallback` is neither a function nor a method name. */
export const fallbackNotUsable = (owner: string, value: unknown) =>
  `${owner}: option "fallback" must be a function (error, ...args) => value or the name of a method of the class, got ${quote(value)} (${typeof value}).`;

/** A breaker was created before start-up read its decorator's options, which it then lacks. */
export const createdBeforeDeclared = (name: string, site: string) =>
  `${breakerLabel(name)} was created (by BreakerRegistry.get() or forKey(), in a constructor or a factory) before start-up read the options of @CircuitBreaker() on ${site}, ` +
  'so it would run without them. Move that call to onModuleInit() or later, or put the options in forRoot({ breakers }).';

/** The event forwarding option is on, but @nestjs/event-emitter is missing. */
export const eventEmitterMissing = (reason: string) =>
  `CircuitBreakerModule options: eventEmitter is on, but ${reason}. Install @nestjs/event-emitter and import EventEmitterModule.forRoot() in the application, or turn eventEmitter off.`;

/** What a client reads when its request's guarded call ran past the call timeout. */
export const timedOutMessage = (name: string, timeoutMs: number) =>
  `${breakerLabel(name)}: the call did not answer within ${timeoutMs} ms and was abandoned.`;
