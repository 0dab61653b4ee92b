import { BreakerRegistry } from 'nestjs-circuit-breaker';
import type { Step } from './story.js';
import { FAILING_BUDGET, modelHitCounter } from './story.js';

/** The model that fails, and one that keeps working. */
const FAILING_MODEL = 'gpt-x';
const OTHER_MODEL = 'other';
/** The base name of the per-model breakers, as `ModelApiService` declares it. */
const PER_MODEL = 'model';
const OTHER_REQUESTS = 2;

/**
 * One model of the model API fails: its own breaker, `model:gpt-x`, opens and refuses its
 * completions, while `model:other` keeps answering and `/health` (which checks `model-api`
 * only) keeps the instance in service.
 */
export const perModelStep: Step = async ({ sample, client, timeline, facts, config }) => {
  timeline.step('One model fails: only its own breaker opens');
  const registry = sample.app.get(BreakerRegistry);
  const failingName = registry.keyName(PER_MODEL, FAILING_MODEL);
  const otherName = registry.keyName(PER_MODEL, OTHER_MODEL);

  const firstStatuses = [
    (await client.completeWith(FAILING_MODEL, 'hello')).status,
    (await client.completeWith(OTHER_MODEL, 'hello')).status,
  ];
  timeline.check(
    firstStatuses.every((status) => status === 200),
    `POST /models/${FAILING_MODEL}/completions → ${firstStatuses[0]}, /models/${OTHER_MODEL}/completions → ${firstStatuses[1]}`,
  );

  await client.failUpstream({ model: FAILING_MODEL });
  const threshold = config.perModel.failureThreshold;
  const failingStatuses: number[] = [];
  let { state } = await client.breaker(failingName);
  while (state !== 'open' && failingStatuses.length < FAILING_BUDGET) {
    failingStatuses.push((await client.completeWith(FAILING_MODEL, 'failing')).status);
    ({ state } = await client.breaker(failingName));
  }
  timeline.check(
    failingStatuses.length === threshold &&
      failingStatuses.every((status) => status === 502) &&
      state === 'open',
    `only ${FAILING_MODEL} fails: ${failingStatuses.join(' ') || 'none sent'}, and breaker "${failingName}" is ${state} ` +
      `after ${failingStatuses.length} failures (failureThreshold ${threshold} from "model:*")`,
  );

  const hits = await modelHitCounter(client, FAILING_MODEL);
  const refused = await client.completeWith(FAILING_MODEL, 'refused');
  const failingModelHitsWhileOpen = await hits();
  const refusal = {
    status: refused.status,
    retryAfter: refused.retryAfter,
    breaker: refused.body.breaker,
  };
  timeline.check(
    refused.status === 503 &&
      refused.retryAfter !== null &&
      refused.body.breaker === failingName &&
      failingModelHitsWhileOpen === 0,
    `${FAILING_MODEL} → ${refused.status} naming "${refused.body.breaker}", Retry-After ${refused.retryAfter} s ` +
      `(${FAILING_MODEL} hits +${failingModelHitsWhileOpen})`,
  );

  const others = [];
  for (let i = 0; i < OTHER_REQUESTS; i++) {
    others.push(await client.completeWith(OTHER_MODEL, 'still here?'));
  }
  const otherStatuses = others.map((answer) => answer.status);
  const otherCompletion = others.at(-1)?.body.completion;
  timeline.check(
    otherStatuses.every((status) => status === 200),
    `${OTHER_MODEL} meanwhile → ${otherStatuses.join(' ')}: "${otherCompletion}"`,
  );

  const listed = Object.fromEntries(
    (await client.breakers())
      .filter((breaker) => breaker.name.startsWith(`${PER_MODEL}:`))
      .map((breaker) => [breaker.name, breaker.state]),
  );
  timeline.check(
    listed[failingName] === 'open' && listed[otherName] === 'closed',
    `/breakers lists ${Object.entries(listed)
      .map(([name, listedState]) => `${name} ${listedState}`)
      .join(', ')}`,
  );

  const health = await client.health();
  const healthEntries = Object.keys(health.body.details ?? {});
  timeline.check(
    health.status === 200 && !healthEntries.includes(failingName),
    `/health → ${health.status} (checks ${healthEntries.join(', ')}): one model's outage leaves the instance in service`,
  );

  facts.perModel = {
    firstStatuses,
    failingStatuses,
    state,
    refusal,
    failingModelHitsWhileOpen,
    otherStatuses,
    otherCompletion,
    listed,
    healthStatus: health.status,
    healthEntries,
  };
  await client.recoverUpstream(FAILING_MODEL);
};
