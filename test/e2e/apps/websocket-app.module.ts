import 'reflect-metadata';
import type { DynamicModule } from '@nestjs/common';
import { Module } from '@nestjs/common';
import type { WsResponse } from '@nestjs/websockets';
import { MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import type { Clock } from 'nestjs-circuit-breaker';
import { CircuitBreaker, CircuitBreakerModule } from 'nestjs-circuit-breaker';
import { Upstream } from '../support/upstream.js';

/** A gateway whose `ask` handler is guarded by the `answers` breaker. */
@WebSocketGateway()
export class AskGateway {
  constructor(private readonly upstream: Upstream) {}

  @CircuitBreaker('answers')
  @SubscribeMessage('ask')
  async ask(@MessageBody() question: string): Promise<WsResponse<string>> {
    return { event: 'answer', data: await this.upstream.fetch(question) };
  }
}

/** The WebSocket application of the WebSocket suite, its breakers reading the given clock. */
@Module({})
export class WebSocketAppModule {
  static withClock(clock: Clock): DynamicModule {
    return {
      module: WebSocketAppModule,
      imports: [
        CircuitBreakerModule.forRoot({
          isGlobal: true,
          defaults: { clock, failureThreshold: 2, timeout: 10_000 },
        }),
      ],
      providers: [Upstream, AskGateway],
    };
  }
}
