import { BadRequestException, Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import type { ModelUpstreamStatus } from './model-upstream.js';
import { ModelUpstream } from './model-upstream.js';

/** The body of `POST /upstream/fail` and `POST /upstream/recover`. */
interface UpstreamSwitch {
  readonly delayMs?: unknown;
  readonly model?: unknown;
}

/**
 * Demo-only switches for the fake model API, so a client (the demo, or you with curl) can make
 * it fail and recover while watching the breakers. A real app has no such routes.
 */
@Controller('upstream')
export class UpstreamController {
  constructor(private readonly upstream: ModelUpstream) {}

  /** What the fake model API is doing and how many calls reached it. */
  @Get()
  status(): ModelUpstreamStatus {
    return this.upstream.status();
  }

  /**
   * Makes every call fail with HTTP 500; `{ "model": "gpt-x" }` fails only that model's
   * completions, and `{ "delayMs": 800 }` makes the failures slow as well.
   */
  @Post('fail')
  @HttpCode(200)
  fail(@Body() body?: UpstreamSwitch): ModelUpstreamStatus {
    const delayMs = Number(body?.delayMs ?? 0);
    const model = modelOf(body);
    this.upstream.fail({
      delayMs: Number.isFinite(delayMs) ? delayMs : 0,
      ...(model === undefined ? {} : { model }),
    });
    return this.upstream.status();
  }

  /** Makes calls succeed again: all of them, or with `{ "model": "gpt-x" }` that model's. */
  @Post('recover')
  @HttpCode(200)
  recover(@Body() body?: UpstreamSwitch): ModelUpstreamStatus {
    this.upstream.recover(modelOf(body));
    return this.upstream.status();
  }
}

function modelOf(body: UpstreamSwitch | undefined): string | undefined {
  const model = body?.model;
  if (model === undefined || model === null) return undefined;
  if (typeof model !== 'string') throw new BadRequestException('"model" must be a string.');

  return model;
}
