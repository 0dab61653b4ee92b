import 'reflect-metadata';
import type { DemoResult } from '../../sample/demo/run-demo.js';
import { demoConfig, runDemo } from '../../sample/demo/run-demo.js';

const CATALOG = ['gpt-x', 'other', 'tiny'];

/**
 * Runs the demo's story against the sample in this process, over real HTTP and TCP on loopback,
 * with open timeouts of 300 to 500 ms: the waits are the breakers' real ones, kept short.
 */
describe('Sample app demo', () => {
  describe('with failureThreshold 3, a 500 ms open timeout and successThreshold 2', () => {
    let result: DemoResult;

    beforeAll(async () => {
      result = await runDemo({
        config: demoConfig({
          MODEL_API_FAILURE_THRESHOLD: '3',
          MODEL_API_OPEN_MS: '500',
          MODEL_API_SUCCESS_THRESHOLD: '2',
          MODEL_FAILURE_THRESHOLD: '2',
          MODEL_OPEN_MS: '500',
          MODEL_CATALOG_FAILURE_THRESHOLD: '2',
          MODEL_CATALOG_OPEN_MS: '300',
        }),
      });
    });

    it('answers 200 and reports healthy while the model API is healthy', () => {
      expect(result.facts.healthy).toEqual({
        statuses: [200, 200, 200],
        upstreamHits: 3,
        state: 'closed',
        healthStatus: 200,
        modelApiHealth: 'up',
      });
    });

    it('answers 502 to each failing call and opens after failureThreshold of them', () => {
      expect(result.facts.failing).toEqual({
        statuses: [502, 502, 502],
        upstreamHits: 3,
        state: 'open',
      });
    });

    it('refuses requests with 503 and a Retry-After of whole seconds while open', () => {
      expect(result.facts.open?.statuses).toEqual([503, 503, 503]);
      expect(result.facts.open?.retryAfter).toEqual(['1', '1', '1']);
    });

    it('makes no call to the model API while open', () => {
      expect(result.facts.open?.upstreamHits).toBe(0);
    });

    it('reports model-api down with /health 503 while open', () => {
      expect(result.facts.open).toMatchObject({ healthStatus: 503, modelApiHealth: 'down' });
    });

    it('turns half-open once the open timeout has passed', () => {
      expect(result.facts.wait?.state).toBe('half-open');
      expect(result.facts.wait?.remainingMs).toBeLessThanOrEqual(500);
    });

    it('re-opens on a failed trial and refuses the next request', () => {
      expect(result.facts.trialWhileFailing).toEqual({
        status: 502,
        state: 'open',
        nextStatus: 503,
        upstreamHits: 1,
      });
    });

    it('reports half-open as degraded, with /health 200, between trial successes', () => {
      expect(result.facts.recovery?.halfOpenHealth).toEqual({
        state: 'half-open',
        healthStatus: 200,
        modelApiHealth: 'degraded',
      });
    });

    it('closes after successThreshold trial successes and reports healthy again', () => {
      expect(result.facts.recovery).toMatchObject({
        statuses: [200, 200],
        state: 'closed',
        healthStatus: 200,
        modelApiHealth: 'up',
      });
    });

    describe('per-model breakers', () => {
      it('answers each named model through a breaker made on its first call', () => {
        expect(result.facts.perModel?.firstStatuses).toEqual([200, 200]);
      });

      it("opens only the failing model's breaker, after failureThreshold of its failures", () => {
        expect(result.facts.perModel).toMatchObject({ failingStatuses: [502, 502], state: 'open' });
      });

      it('refuses the failing model with 503 naming its own breaker, without calling it', () => {
        expect(result.facts.perModel?.refusal).toEqual({
          status: 503,
          retryAfter: '1',
          breaker: 'model:gpt-x',
        });
        expect(result.facts.perModel?.failingModelHitsWhileOpen).toBe(0);
      });

      it("keeps answering the other model while the failing model's breaker is open", () => {
        expect(result.facts.perModel).toMatchObject({
          otherStatuses: [200, 200],
          otherCompletion: 'Echo from other: still here?',
        });
      });

      it('lists both per-model breakers with their states in /breakers', () => {
        expect(result.facts.perModel?.listed).toEqual({
          'model:gpt-x': 'open',
          'model:other': 'closed',
        });
      });

      it('keeps /health at 200, checking model-api only, while one model is refused', () => {
        expect(result.facts.perModel).toMatchObject({
          healthStatus: 200,
          healthEntries: ['model-api'],
        });
      });
    });

    describe('the model catalog with a fallback', () => {
      it('answers the live list while the model API is healthy', () => {
        expect(result.facts.catalogFallback?.live).toEqual({
          status: 200,
          source: 'live',
          reason: undefined,
          models: CATALOG,
        });
      });

      it('answers each failed call with the last known list, marked as a fallback', () => {
        const fallback = { status: 200, source: 'fallback', reason: 'failed', models: CATALOG };
        expect(result.facts.catalogFallback?.whileFailing).toEqual([fallback, fallback]);
      });

      it('opens after failureThreshold failures, each of which reached the model API', () => {
        expect(result.facts.catalogFallback).toMatchObject({
          upstreamHitsWhileFailing: 2,
          state: 'open',
        });
      });

      it('answers each refusal with the fallback while open, without calling the model API', () => {
        const fallback = { status: 200, source: 'fallback', reason: 'refused', models: CATALOG };
        expect(result.facts.catalogFallback).toMatchObject({
          whileOpen: [fallback, fallback],
          upstreamHitsWhileOpen: 0,
        });
      });

      it('counts the failures and refusals the fallback answered', () => {
        expect(result.facts.catalogFallback?.counted).toEqual({ failures: 2, rejections: 2 });
      });

      it('answers the live list again, closed, once the model API recovers and the open timeout passes', () => {
        expect(result.facts.catalogFallback).toMatchObject({
          recovered: { status: 200, source: 'live', models: CATALOG },
          recoveredState: 'closed',
        });
      });
    });

    it('answers a TCP message through the guarded service', () => {
      expect(result.facts.tcp).toMatchObject({
        completion: 'Echo from the model: over TCP',
        upstreamHits: 1,
      });
    });

    it('refuses a TCP message with an RPC error naming the breaker while open', () => {
      expect(result.facts.tcp).toMatchObject({
        reopened: true,
        refusal: { breaker: 'model-api' },
        upstreamHitsWhileRefused: 0,
      });
    });

    it('closes the fake model API along with the app', () => {
      expect(result.facts.shutdown).toEqual({ upstreamClosed: true });
    });

    it('reports every check as passed', () => {
      expect(result.checks.filter((check) => !check.ok)).toEqual([]);
      expect(result.ok).toBe(true);
    });
  });

  describe('when the breaker cannot open within the requests the demo sends', () => {
    let result: DemoResult;

    beforeAll(async () => {
      result = await runDemo({ config: demoConfig({ MODEL_API_FAILURE_THRESHOLD: '20' }) });
    });

    it('fails and stops the story after the failing step', () => {
      expect(result.ok).toBe(false);
      expect(result.facts.failing?.state).toBe('closed');
      expect(result.facts.open).toBeUndefined();
    });

    it('still closes the sample', () => {
      expect(result.facts.shutdown).toEqual({ upstreamClosed: true });
    });
  });

  describe("when a model's breaker cannot open within the requests the demo sends", () => {
    let result: DemoResult;

    beforeAll(async () => {
      result = await runDemo({
        config: demoConfig({ MODEL_API_OPEN_MS: '100', MODEL_FAILURE_THRESHOLD: '20' }),
      });
    });

    it('fails and stops the story after the per-model step', () => {
      expect(result.ok).toBe(false);
      expect(result.facts.perModel?.state).toBe('closed');
      expect(result.facts.catalogFallback).toBeUndefined();
    });

    it('still closes the sample', () => {
      expect(result.facts.shutdown).toEqual({ upstreamClosed: true });
    });
  });

  describe('when the sample cannot start', () => {
    it('fails with the start-up error as its only check', async () => {
      const result = await runDemo({ config: demoConfig({ MODEL_API_SUCCESS_THRESHOLD: '0' }) });

      expect(result.ok).toBe(false);
      expect(result.checks).toEqual([
        expect.objectContaining({ ok: false, label: expect.stringContaining('successThreshold') }),
      ]);
    });
  });
});
