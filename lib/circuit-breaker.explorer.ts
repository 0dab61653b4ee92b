import type { OnModuleInit } from '@nestjs/common';
import { Injectable } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { BreakerRegistry } from './breaker.registry.js';
import { CIRCUIT_BREAKER_METADATA } from './circuit-breaker.constants.js';
import type { CircuitBreakerMetadata } from './decorators/circuit-breaker.decorator.js';
import { siteOf } from './messages.js';

/**
 * Finds every `@CircuitBreaker()` use in the application's providers and controllers at
 * start-up, so that conflicting options fail the start and every breaker shows in the registry
 * and health checks before its first call.
 */
@Injectable()
export class CircuitBreakerExplorer implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly registry: BreakerRegistry,
  ) {}

  onModuleInit(): void {
    const seen = new Set<object>();
    const wrappers = [...this.discovery.getProviders(), ...this.discovery.getControllers()];

    for (const { metatype } of wrappers) {
      const prototype = (metatype as { prototype?: object } | null)?.prototype;
      if (prototype === undefined || seen.has(prototype)) continue;
      seen.add(prototype);

      for (const method of this.scanner.getAllMethodNames(prototype)) {
        this.declare(prototype, method);
      }
    }
  }

  private declare(prototype: object, method: string): void {
    const handler = (prototype as Record<string, unknown>)[method];
    if (typeof handler !== 'function') return;

    const metadata: CircuitBreakerMetadata | undefined = Reflect.getMetadata(
      CIRCUIT_BREAKER_METADATA,
      handler,
    );
    if (metadata === undefined) return;

    const site = siteOf(prototype.constructor.name, method);
    this.registry.declare(metadata.name, metadata.options, site, metadata.keyed === true);
  }
}
