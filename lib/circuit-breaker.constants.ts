/** Metadata key under which `@CircuitBreaker()` records its breaker name and options. */
export const CIRCUIT_BREAKER_METADATA = 'nestjs-circuit-breaker:breaker';

/**
 * The instance property through which Nest hands each decorated provider the registry of the
 * application that created it; a symbol so it never shows in JSON or `Object.keys`.
 */
export const REGISTRY_PROPERTY = Symbol('nestjs-circuit-breaker:registry');

/** The context of the module's logger. */
export const LOGGER_CONTEXT = 'CircuitBreaker';
