import type { ClientProxy } from '@nestjs/microservices';
import type { CircuitState } from 'nestjs-circuit-breaker';
import type { ModelCatalog } from '../src/completions/model-catalog.service.js';
import type { SampleConfig } from '../src/config.js';
import type { RunningSample } from '../src/main.js';
import type { SampleClient } from './sample-client.js';
import type { Timeline } from './timeline.js';

/** Failing requests a step sends at most, waiting for a breaker to open. */
export const FAILING_BUDGET = 10;
/** Slack after an open timeout, so a wait never ends a hair too early. */
export const WAIT_MARGIN_MS = 50;

/** One answer of `GET /models`, as the demo records it. */
export interface CatalogAnswer {
  status: number;
  source: ModelCatalog['source'] | undefined;
  reason: ModelCatalog['reason'] | undefined;
  models: readonly string[] | undefined;
}

/** What each step saw; a step that did not run leaves its entry out. */
export interface DemoFacts {
  healthy?: {
    statuses: number[];
    upstreamHits: number;
    state: CircuitState;
    healthStatus: number;
    modelApiHealth: string | undefined;
  };
  failing?: { statuses: number[]; upstreamHits: number; state: CircuitState };
  open?: {
    statuses: number[];
    retryAfter: Array<string | null>;
    upstreamHits: number;
    healthStatus: number;
    modelApiHealth: string | undefined;
  };
  wait?: { retryAfterSeconds: number; remainingMs: number; state: CircuitState };
  trialWhileFailing?: {
    status: number;
    state: CircuitState;
    nextStatus: number;
    upstreamHits: number;
  };
  recovery?: {
    statuses: number[];
    /** `/health` between two trial successes, when more than one is needed. */
    halfOpenHealth?: {
      state: CircuitState;
      healthStatus: number;
      modelApiHealth: string | undefined;
    };
    state: CircuitState;
    healthStatus: number;
    modelApiHealth: string | undefined;
  };
  perModel?: {
    /** Statuses of the first completion of each model, the failing one first. */
    firstStatuses: number[];
    /** Statuses of the failing model's completions until its breaker opened. */
    failingStatuses: number[];
    /** The failing model's breaker after them. */
    state: CircuitState;
    /** The failing model's next completion, refused. */
    refusal: { status: number; retryAfter: string | null; breaker: string | undefined };
    /** Calls that reached the failing model while its breaker was open. */
    failingModelHitsWhileOpen: number;
    /** Statuses of the other model's completions while the failing model's breaker was open. */
    otherStatuses: number[];
    otherCompletion: string | undefined;
    /** The per-model breakers `GET /breakers` lists, with their states. */
    listed: Record<string, CircuitState>;
    healthStatus: number;
    /** The breakers `/health` reports. */
    healthEntries: string[];
  };
  catalogFallback?: {
    /** Before the model API fails. */
    live: CatalogAnswer;
    /** While it fails, until the breaker opens. */
    whileFailing: CatalogAnswer[];
    upstreamHitsWhileFailing: number;
    /** The breaker after them. */
    state: CircuitState;
    /** While the breaker is open. */
    whileOpen: CatalogAnswer[];
    upstreamHitsWhileOpen: number;
    /** How much the breaker's `failures` and `rejections` grew in the step. */
    counted: { failures: number; rejections: number };
    /** After the model API recovered and the open timeout passed. */
    recovered: CatalogAnswer;
    recoveredState: CircuitState;
  };
  tcp?: {
    completion: string | undefined;
    upstreamHits: number;
    reopened: boolean;
    refusal: { breaker?: unknown; message?: unknown } | null;
    upstreamHitsWhileRefused: number;
  };
  shutdown?: { upstreamClosed: boolean };
}

/** What the steps share. */
export interface Story {
  readonly sample: RunningSample;
  readonly client: SampleClient;
  readonly timeline: Timeline;
  readonly facts: DemoFacts;
  readonly config: SampleConfig;
  tcp?: ClientProxy;
  lastRetryAfter?: string | null;
}

/** One step of the story: it acts through the client and checks what it sees on the timeline. */
export type Step = (story: Story) => Promise<void>;

/** Reads the model API's hit counter now; the returned function tells how many came since. */
export async function hitCounter(client: SampleClient): Promise<() => Promise<number>> {
  const before = (await client.upstream()).hits;
  return async () => (await client.upstream()).hits - before;
}

/** As {@link hitCounter}, for the completions of one model. */
export async function modelHitCounter(
  client: SampleClient,
  model: string,
): Promise<() => Promise<number>> {
  const hitsOf = async () => (await client.upstream()).modelHits[model] ?? 0;
  const before = await hitsOf();
  return async () => (await hitsOf()) - before;
}
