import type { DynamicModule, OnApplicationShutdown } from '@nestjs/common';
import { Logger, Module } from '@nestjs/common';
import { ModelUpstream } from './model-upstream.js';
import { UpstreamController } from './upstream.controller.js';

/**
 * Hands the running fake model API to the app: its admin routes, and its shutdown with the app,
 * so `app.close()` or a SIGTERM leaves no server behind.
 */
@Module({})
export class UpstreamModule implements OnApplicationShutdown {
  private readonly logger = new Logger('Sample');

  constructor(private readonly upstream: ModelUpstream) {}

  /** The module around an upstream already listening. */
  static forRoot(upstream: ModelUpstream): DynamicModule {
    return {
      module: UpstreamModule,
      controllers: [UpstreamController],
      providers: [{ provide: ModelUpstream, useValue: upstream }],
      exports: [ModelUpstream],
    };
  }

  async onApplicationShutdown(signal?: string): Promise<void> {
    await this.upstream.close();
    this.logger.log(`Stopped${signal === undefined ? '' : ` on ${signal}`}; fake model API closed`);
  }
}
