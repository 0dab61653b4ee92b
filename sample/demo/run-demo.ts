import 'reflect-metadata';
import { ClientProxyFactory, Transport } from '@nestjs/microservices';
import type { StateChange } from 'nestjs-circuit-breaker';
import { BreakerRegistry } from 'nestjs-circuit-breaker';
import { setTimeout as sleep } from 'node:timers/promises';
import { firstValueFrom, timeout } from 'rxjs';
import type { CompletionResponse } from '../src/completions/completion.dto.js';
import type { SampleConfig, SampleEnv } from '../src/config.js';
import { readSampleConfig } from '../src/config.js';
import type { RunningSample } from '../src/main.js';
import { bootstrap } from '../src/main.js';
import { catalogFallbackStep } from './catalog-fallback.step.js';
import { perModelStep } from './per-model.step.js';
import type { Answer, CompletionAnswer } from './sample-client.js';
import { SampleClient } from './sample-client.js';
import type { DemoFacts, Step, Story } from './story.js';
import { FAILING_BUDGET, hitCounter, WAIT_MARGIN_MS } from './story.js';
import type { DemoCheck } from './timeline.js';
import { Timeline } from './timeline.js';

const BREAKER = 'model-api';
const HEALTHY_REQUESTS = 3;
const REFUSED_REQUESTS = 3;
const TCP_REPLY_TIMEOUT_MS = 5000;

export type { CatalogAnswer, DemoFacts } from './story.js';

/** How to run the demo. */
export interface DemoOptions {
  /** Where the timeline goes, one line per call; default: nowhere. */
  readonly log?: (line: string) => void;
  /** The sample's settings; default: {@link demoConfig} of the environment. */
  readonly config?: SampleConfig;
}

/** The outcome of a run. */
export interface DemoResult {
  /** Whether every check held, from start-up to shutdown. */
  readonly ok: boolean;
  readonly checks: readonly DemoCheck[];
  readonly facts: DemoFacts;
  readonly durationMs: number;
}

/**
 * The demo's settings: the environment's, with short open timeouts unless they are set, and
 * every port chosen by the OS so the demo never collides with a running sample.
 */
export function demoConfig(env: SampleEnv = process.env): SampleConfig {
  return readSampleConfig({
    MODEL_API_OPEN_MS: '1500',
    MODEL_OPEN_MS: '1500',
    MODEL_CATALOG_OPEN_MS: '1000',
    ...env,
    HOST: '127.0.0.1',
    PORT: '0',
    TCP_PORT: '0',
    UPSTREAM_PORT: '0',
  });
}

/**
 * Boots the sample in this process and tells the breaker's story with real HTTP and TCP
 * traffic: healthy calls, failures until the breaker opens, refusals that spare the model API,
 * the open timeout, a failed trial, recovery; then one failing model opening only its own
 * per-key breaker, the model catalog answering from its fallback while its breaker fails and
 * opens, and the TCP microservice behind the `model-api` breaker.
 *
 * Each step checks what it expects; the story stops at the first step that fails, and the
 * sample is closed in every case.
 */
export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const timeline = new Timeline(options.log ?? (() => undefined));
  const facts: DemoFacts = {};
  const result = (): DemoResult => ({
    ok: timeline.failures.length === 0,
    checks: timeline.checks,
    facts,
    durationMs: timeline.elapsedMs,
  });

  timeline.line('Circuit breaker demo');
  let sample: RunningSample;
  let config: SampleConfig;
  try {
    config = options.config ?? demoConfig();
    sample = await bootstrap({ config, logger: false });
  } catch (error) {
    timeline.check(false, `the sample starts: ${describe(error)}`);
    return summarize(timeline, result());
  }

  const { failureThreshold, timeout: openMs, successThreshold } = config.modelApi;
  timeline.line(
    `  breaker "${BREAKER}": opens after ${failureThreshold} failures in a row, stays open ${openMs} ms, ` +
      `closes after ${successThreshold} trial successes`,
  );
  const { perModel, modelCatalog } = config;
  timeline.line(
    `  breakers "model:<name>", one per model: open after ${perModel.failureThreshold} failures, ` +
      `stay open ${perModel.timeout} ms`,
  );
  timeline.line(
    `  breaker "model-catalog", with a fallback: opens after ${modelCatalog.failureThreshold} ` +
      `failures, stays open ${modelCatalog.timeout} ms`,
  );
  timeline.line(
    `  app ${sample.url} · TCP microservice ${config.host}:${sample.tcpPort} · fake model API ${sample.upstream.url}`,
  );

  const story: Story = { sample, client: new SampleClient(sample.url), timeline, facts, config };
  const changes = sample.app
    .get(BreakerRegistry)
    .stateChanges$.subscribe((change) => timeline.note(describeChange(change)));

  try {
    const steps = [
      healthy,
      failing,
      open,
      waitOut,
      trialWhileFailing,
      recovery,
      perModelStep,
      catalogFallbackStep,
      overTcp,
    ];
    for (const step of steps) {
      const failuresBefore = timeline.failures.length;
      try {
        await step(story);
      } catch (error) {
        timeline.check(false, `the step runs to its end: ${describe(error)}`);
      }
      if (timeline.failures.length > failuresBefore) {
        timeline.note('The story went off script here; skipping to shutdown.');
        break;
      }
    }
  } finally {
    changes.unsubscribe();
    await shutdown(story);
  }

  return summarize(timeline, result());
}

const healthy: Step = async ({ client, timeline, facts }) => {
  timeline.step('The model API is healthy');
  const hits = await hitCounter(client);
  const statuses = await complete(client, HEALTHY_REQUESTS, 'healthy');
  const upstreamHits = await hits();
  const { state } = await client.breaker(BREAKER);
  const health = await client.health();
  const modelApiHealth = health.body.details?.[BREAKER]?.status;
  facts.healthy = { statuses, upstreamHits, state, healthStatus: health.status, modelApiHealth };

  timeline.check(
    statuses.every((status) => status === 200) && upstreamHits === HEALTHY_REQUESTS,
    `${HEALTHY_REQUESTS} requests → ${statuses.join(' ')} (model API hits +${upstreamHits})`,
  );
  timeline.check(state === 'closed', `breaker "${BREAKER}" is ${state}`);
  timeline.check(
    health.status === 200 && modelApiHealth === 'up',
    `/health → ${health.status}, ${BREAKER} ${modelApiHealth}`,
  );
};

const failing: Step = async ({ client, timeline, facts, config }) => {
  timeline.step('The model API starts failing (HTTP 500)');
  await client.failUpstream();
  const hits = await hitCounter(client);
  const threshold = config.modelApi.failureThreshold;

  const statuses: number[] = [];
  let { state } = await client.breaker(BREAKER);
  while (state !== 'open' && statuses.length < FAILING_BUDGET) {
    statuses.push((await client.complete('failing')).status);
    ({ state } = await client.breaker(BREAKER));
  }
  const upstreamHits = await hits();
  facts.failing = { statuses, upstreamHits, state };

  timeline.check(
    statuses.length > 0 && statuses.every((status) => status === 502),
    `requests fail while the breaker is closed: ${statuses.join(' ') || 'none sent'}`,
  );
  timeline.check(
    state === 'open' && statuses.length === threshold,
    state === 'open'
      ? `the breaker opened after ${statuses.length} failures (failureThreshold ${threshold})`
      : `the breaker is still ${state} after ${statuses.length} failures (failureThreshold ${threshold})`,
  );
  timeline.check(
    upstreamHits === statuses.length,
    `each of them reached the model API (hits +${upstreamHits})`,
  );
};

const open: Step = async (story) => {
  const { client, timeline, facts } = story;
  timeline.step('The breaker is open: requests are refused at once');
  const hits = await hitCounter(client);
  const answers: Answer<CompletionAnswer>[] = [];
  for (let i = 0; i < REFUSED_REQUESTS; i++) answers.push(await client.complete('refused'));
  const upstreamHits = await hits();
  const health = await client.health();
  const modelApiHealth = health.body.details?.[BREAKER]?.status;

  const statuses = answers.map((answer) => answer.status);
  const retryAfter = answers.map((answer) => answer.retryAfter);
  story.lastRetryAfter = retryAfter.at(-1) ?? null;
  facts.open = { statuses, retryAfter, upstreamHits, healthStatus: health.status, modelApiHealth };

  timeline.check(
    statuses.every((status) => status === 503) && retryAfter.every((value) => value !== null),
    `${REFUSED_REQUESTS} requests → ${statuses.join(' ')}, Retry-After: ${retryAfter.join(', ')} s`,
  );
  if (answers[0]?.body.message !== undefined) timeline.note(`503 body: ${answers[0].body.message}`);
  timeline.check(
    upstreamHits === 0,
    `the model API received no calls while open (hits +${upstreamHits})`,
  );
  timeline.check(
    health.status === 503 && modelApiHealth === 'down',
    `/health → ${health.status}, ${BREAKER} ${modelApiHealth}`,
  );
};

const waitOut: Step = async (story) => {
  story.timeline.step('Waiting out the open timeout (real time)');
  await waitForHalfOpen(story);
};

const trialWhileFailing: Step = async (story) => {
  const { client, timeline, facts } = story;
  timeline.step('A trial request while the model API still fails');
  const hits = await hitCounter(client);
  const trial = await client.complete('trial');
  const { state } = await client.breaker(BREAKER);
  const next = await client.complete('after the failed trial');
  const upstreamHits = await hits();
  story.lastRetryAfter = next.retryAfter;
  facts.trialWhileFailing = { status: trial.status, state, nextStatus: next.status, upstreamHits };

  timeline.check(
    trial.status === 502,
    `the trial request reached the model API and failed: ${trial.status}`,
  );
  timeline.check(state === 'open', `the breaker is ${state} again at once`);
  timeline.check(
    next.status === 503 && upstreamHits === 1,
    `the next request is refused: ${next.status}, Retry-After ${next.retryAfter} s (model API hits +${upstreamHits} in this step)`,
  );

  await waitForHalfOpen(story);
};

const recovery: Step = async ({ client, timeline, facts, config }) => {
  timeline.step('The model API recovers');
  await client.recoverUpstream();
  const needed = config.modelApi.successThreshold;

  const statuses: number[] = [];
  let halfOpenHealth: NonNullable<DemoFacts['recovery']>['halfOpenHealth'];
  for (let i = 0; i < needed; i++) {
    const { status } = await client.complete(`trial ${i + 1}`);
    statuses.push(status);
    timeline.check(status === 200, `trial request ${i + 1} of ${needed} → ${status}`);

    // Between two trial successes the breaker is still half-open: show what /health says then.
    if (i === 0 && needed > 1) {
      const { state } = await client.breaker(BREAKER);
      const health = await client.health();
      const modelApiHealth = health.body.details?.[BREAKER]?.status;
      halfOpenHealth = { state, healthStatus: health.status, modelApiHealth };
      timeline.check(
        state === 'half-open' && health.status === 200 && modelApiHealth === 'degraded',
        `the breaker is still ${state}; /health → ${health.status}, ${BREAKER} ${modelApiHealth}`,
      );
    }
  }

  const { state } = await client.breaker(BREAKER);
  const health = await client.health();
  const modelApiHealth = health.body.details?.[BREAKER]?.status;
  facts.recovery = {
    statuses,
    ...(halfOpenHealth === undefined ? {} : { halfOpenHealth }),
    state,
    healthStatus: health.status,
    modelApiHealth,
  };

  timeline.check(
    state === 'closed',
    `after ${needed} trial successes (successThreshold) the breaker is ${state}`,
  );
  timeline.check(
    health.status === 200 && modelApiHealth === 'up',
    `/health → ${health.status}, ${BREAKER} ${modelApiHealth}`,
  );
};

const overTcp: Step = async (story) => {
  const { client, timeline, facts, config, sample } = story;
  timeline.step('The TCP microservice goes through the "model-api" breaker too');
  const tcp = ClientProxyFactory.create({
    transport: Transport.TCP,
    options: { host: config.host, port: sample.tcpPort },
  });
  story.tcp = tcp;
  const send = (prompt: string) =>
    firstValueFrom(
      tcp.send<CompletionResponse>('complete', { prompt }).pipe(timeout(TCP_REPLY_TIMEOUT_MS)),
    );

  let hits = await hitCounter(client);
  const reply = await send('over TCP');
  const upstreamHits = await hits();
  timeline.check(
    typeof reply?.completion === 'string' && upstreamHits === 1,
    `message "complete" answered "${reply?.completion}" (model API hits +${upstreamHits})`,
  );

  await client.failUpstream();
  await complete(client, config.modelApi.failureThreshold, 'failing again');
  const { state } = await client.breaker(BREAKER);
  timeline.check(
    state === 'open',
    `the model API fails again; ${config.modelApi.failureThreshold} HTTP requests leave the breaker ${state}`,
  );

  hits = await hitCounter(client);
  const refusal = await send('over TCP while open').then(
    () => null,
    (error: unknown) => error as { breaker?: unknown; message?: unknown },
  );
  const upstreamHitsWhileRefused = await hits();
  facts.tcp = {
    completion: reply?.completion,
    upstreamHits,
    reopened: state === 'open',
    refusal,
    upstreamHitsWhileRefused,
  };

  timeline.check(
    refusal?.breaker === BREAKER && upstreamHitsWhileRefused === 0,
    refusal === null
      ? 'the message should have been refused, but it was answered'
      : `the message is refused with an RPC error naming "${String(refusal.breaker)}" (model API hits +${upstreamHitsWhileRefused})`,
  );
  if (typeof refusal?.message === 'string') timeline.note(`RPC error: ${refusal.message}`);
};

async function shutdown(story: Story): Promise<void> {
  const { timeline, sample, facts } = story;
  timeline.step('Shutting down');
  try {
    await story.tcp?.close();
    await sample.app.close();
    facts.shutdown = { upstreamClosed: !sample.upstream.listening };
    timeline.check(
      !sample.upstream.listening,
      'the app, the TCP microservice and the fake model API are closed',
    );
  } catch (error) {
    timeline.check(false, `everything closes: ${describe(error)}`);
  }
}

/** Sleeps until the breaker lets trial calls through, and checks it did. */
async function waitForHalfOpen(story: Story): Promise<void> {
  const { client, timeline, facts } = story;
  const remainingMs = (await client.breaker(BREAKER)).timeUntilRetry;
  const retryAfterSeconds = Number(story.lastRetryAfter);
  timeline.note(
    `Retry-After says ${story.lastRetryAfter} s; the breaker has ${remainingMs} ms left. Sleeping…`,
  );
  const started = performance.now();
  await sleep(remainingMs + WAIT_MARGIN_MS);
  const { state } = await client.breaker(BREAKER);
  facts.wait ??= { retryAfterSeconds, remainingMs, state };

  timeline.check(
    retryAfterSeconds * 1000 >= remainingMs,
    `Retry-After (${retryAfterSeconds} s) covers the time left open (${remainingMs} ms)`,
  );
  timeline.check(
    state === 'half-open',
    `${((performance.now() - started) / 1000).toFixed(2)} s later the breaker is ${state}: trial requests may pass`,
  );
}

/** Sends `count` completion requests one after another; their statuses. */
async function complete(client: SampleClient, count: number, prompt: string): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) statuses.push((await client.complete(prompt)).status);
  return statuses;
}

function describeChange(change: StateChange): string {
  const wait = change.retryAfterMs === undefined ? '' : `, ${change.retryAfterMs} ms`;
  return `⇢ breaker "${change.name}": ${change.from} → ${change.to} (${change.reason}${wait})`;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function summarize(timeline: Timeline, result: DemoResult): DemoResult {
  const seconds = (result.durationMs / 1000).toFixed(1);
  const total = result.checks.length;
  timeline.line('');
  if (result.ok) {
    timeline.line(
      `✔ All ${total} checks passed in ${seconds} s: the breaker story happened as told.`,
    );
  } else {
    const failed = timeline.failures;
    timeline.line(`✘ ${failed.length} of ${total} checks failed in ${seconds} s:`);
    for (const check of failed) {
      timeline.line(`    ✘ ${check.step === '' ? '' : `${check.step}: `}${check.label}`);
    }
  }

  return result;
}
