import { setTimeout as sleep } from 'node:timers/promises';
import type { Answer, SampleClient } from './sample-client.js';
import type { ModelCatalog } from '../src/completions/model-catalog.service.js';
import type { CatalogAnswer, Step } from './story.js';
import { FAILING_BUDGET, hitCounter, WAIT_MARGIN_MS } from './story.js';

/** The breaker of `GET /models`, whose fallback answers the last known list. */
const CATALOG = 'model-catalog';
const REFUSED_REQUESTS = 2;

/**
 * The model API fails while clients read its catalog: `GET /models` keeps answering 200 with
 * the last list it read, marked `source: 'fallback'`, first for each failed call and then for
 * each refusal once its breaker is open; the breaker counts both. After recovery and the open
 * timeout, the live list is back.
 */
export const catalogFallbackStep: Step = async ({ client, timeline, facts, config }) => {
  timeline.step('The model catalog answers from its fallback');
  const live = await readCatalog(client);
  timeline.check(
    live.status === 200 && live.source === 'live' && (live.models?.length ?? 0) > 0,
    `GET /models → ${describeAnswer(live)}`,
  );

  const before = await client.breaker(CATALOG);
  await client.failUpstream();
  const threshold = config.modelCatalog.failureThreshold;
  let hits = await hitCounter(client);
  const whileFailing: CatalogAnswer[] = [];
  let { state } = before;
  while (state !== 'open' && whileFailing.length < FAILING_BUDGET) {
    whileFailing.push(await readCatalog(client));
    ({ state } = await client.breaker(CATALOG));
  }
  const upstreamHitsWhileFailing = await hits();
  timeline.check(
    whileFailing.length > 0 &&
      whileFailing.every((answer) => isFallback(answer, 'failed', live.models)),
    `the model API fails: GET /models → ${describeAnswers(whileFailing)}`,
  );
  timeline.check(
    state === 'open' &&
      whileFailing.length === threshold &&
      upstreamHitsWhileFailing === whileFailing.length,
    `each reached the model API (hits +${upstreamHitsWhileFailing}); breaker "${CATALOG}" is ${state} ` +
      `after ${whileFailing.length} failures (failureThreshold ${threshold})`,
  );

  hits = await hitCounter(client);
  const whileOpen: CatalogAnswer[] = [];
  for (let i = 0; i < REFUSED_REQUESTS; i++) whileOpen.push(await readCatalog(client));
  const upstreamHitsWhileOpen = await hits();
  timeline.check(
    whileOpen.every((answer) => isFallback(answer, 'refused', live.models)) &&
      upstreamHitsWhileOpen === 0,
    `while open: GET /models → ${describeAnswers(whileOpen)} (model API hits +${upstreamHitsWhileOpen})`,
  );

  const after = await client.breaker(CATALOG);
  const counted = {
    failures: after.failures - before.failures,
    rejections: after.rejections - before.rejections,
  };
  timeline.check(
    counted.failures === whileFailing.length && counted.rejections === whileOpen.length,
    `/breakers counts them all the same: failures +${counted.failures}, rejections +${counted.rejections}`,
  );

  await client.recoverUpstream();
  timeline.note(
    `The model API recovers; the breaker has ${after.timeUntilRetry} ms left. Sleeping…`,
  );
  await sleep(after.timeUntilRetry + WAIT_MARGIN_MS);
  const recovered = await readCatalog(client);
  const { state: recoveredState } = await client.breaker(CATALOG);
  timeline.check(
    recovered.status === 200 && recovered.source === 'live' && recoveredState === 'closed',
    `GET /models → ${describeAnswer(recovered)}; breaker "${CATALOG}" is ${recoveredState}`,
  );

  facts.catalogFallback = {
    live,
    whileFailing,
    upstreamHitsWhileFailing,
    state,
    whileOpen,
    upstreamHitsWhileOpen,
    counted,
    recovered,
    recoveredState,
  };
};

async function readCatalog(client: SampleClient): Promise<CatalogAnswer> {
  const { status, body }: Answer<ModelCatalog | null> = await client.models();
  return { status, source: body?.source, reason: body?.reason, models: body?.models };
}

/** Whether an answer is the fallback, for `reason`, with the list read before the failure. */
function isFallback(
  answer: CatalogAnswer,
  reason: CatalogAnswer['reason'],
  models: readonly string[] | undefined,
): boolean {
  return (
    answer.status === 200 &&
    answer.source === 'fallback' &&
    answer.reason === reason &&
    JSON.stringify(answer.models) === JSON.stringify(models)
  );
}

function describeAnswer(answer: CatalogAnswer): string {
  return describeAnswers([answer]);
}

/** `200 200, fallback (failed): [gpt-x, other]`, or each answer in turn if they differ. */
function describeAnswers(answers: readonly CatalogAnswer[]): string {
  if (answers.length === 0) return 'none sent';

  const [first] = answers as [CatalogAnswer];
  const body = (answer: CatalogAnswer) => {
    if (answer.source === undefined) return 'no catalog';
    const reason = answer.reason === undefined ? '' : ` (${answer.reason})`;
    return `${answer.source}${reason}: [${answer.models?.join(', ') ?? ''}]`;
  };
  if (answers.every((answer) => answer.status === first.status && body(answer) === body(first))) {
    return `${answers.map((answer) => answer.status).join(' ')}, ${body(first)}`;
  }
  return answers.map((answer) => `${answer.status}, ${body(answer)}`).join('; ');
}
