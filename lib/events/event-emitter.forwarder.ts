import type { OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Inject, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Subscription } from 'rxjs';
import { BreakerRegistry } from '../breaker.registry.js';
import { CIRCUIT_BREAKER_OPTIONS } from '../circuit-breaker.module-definition.js';
import type { CircuitBreakerModuleOptions } from '../interfaces/index.js';
import { eventEmitterMissing } from '../messages.js';

/** The prefix of the event names breaker events are emitted under. */
export const EVENT_NAME_PREFIX = 'circuit-breaker.';

/** The part of EventEmitter2 the forwarder uses. */
interface Emitter {
  emit(event: string, ...values: unknown[]): boolean;
}

/**
 * Forwards every breaker event to `@nestjs/event-emitter` when the module's `eventEmitter`
 * option is on, as `circuit-breaker.<type>`. The package is an optional peer, so it is loaded
 * only then; a missing package or emitter fails the start with what to do.
 */
@Injectable()
export class EventEmitterForwarder implements OnModuleInit, OnModuleDestroy {
  private subscription: Subscription | null = null;

  constructor(
    @Inject(CIRCUIT_BREAKER_OPTIONS) private readonly options: CircuitBreakerModuleOptions,
    private readonly registry: BreakerRegistry,
    private readonly moduleRef: ModuleRef,
  ) {}

  async onModuleInit(): Promise<void> {
    if (this.options.eventEmitter !== true) return;

    const emitter = await this.findEmitter();
    this.subscription = this.registry.events$.subscribe((event) => {
      emitter.emit(`${EVENT_NAME_PREFIX}${event.type}`, event);
    });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  private async findEmitter(): Promise<Emitter> {
    let token: unknown;
    try {
      ({ EventEmitter2: token } = (await import('@nestjs/event-emitter')) as {
        EventEmitter2: unknown;
      });
    } catch {
      throw new Error(eventEmitterMissing('@nestjs/event-emitter could not be loaded'));
    }

    try {
      return this.moduleRef.get(token as new () => Emitter, { strict: false });
    } catch {
      throw new Error(eventEmitterMissing('the application has no EventEmitter2 provider'));
    }
  }
}
