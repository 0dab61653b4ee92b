import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import type { FailureMode, ModelUpstreamStatus } from './model-upstream.js';
import { ModelUpstream } from './model-upstream.js';

/**
 * Demo-only switches for the fake model API, so a client (the demo, or you with curl) can make
 * it fail and recover while watching the breaker. A real app has no such routes.
 */
@Controller('upstream')
export class UpstreamController {
  constructor(private readonly upstream: ModelUpstream) {}

  /** What the fake model API is doing and how many calls reached it. */
  @Get()
  status(): ModelUpstreamStatus {
    return this.upstream.status();
  }

  /** Makes every completion fail with HTTP 500; `{ "delayMs": 800 }` makes it slow as well. */
  @Post('fail')
  @HttpCode(200)
  fail(@Body() body?: FailureMode): ModelUpstreamStatus {
    const delayMs = Number(body?.delayMs ?? 0);
    this.upstream.fail({ delayMs: Number.isFinite(delayMs) ? delayMs : 0 });
    return this.upstream.status();
  }

  /** Makes completions succeed again. */
  @Post('recover')
  @HttpCode(200)
  recover(): ModelUpstreamStatus {
    this.upstream.recover();
    return this.upstream.status();
  }
}
