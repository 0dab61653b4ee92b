import 'reflect-metadata';
import type { StateChange } from 'nestjs-circuit-breaker';
import { NestApps } from '../fixtures/nest-apps.js';
import { RecordingLogger } from '../fixtures/recording-logger.js';
import { MODEL_API } from './fixtures/model-client.js';
import { type PerKeyApp, startPerKeyApp } from './fixtures/start.js';

const IDLE = 60_000;

/** The per-key breaker name of a model. */
const perKey = (model: string) => `${MODEL_API}:${model}`;

describe('BreakerRegistry bounds on per-key breakers', () => {
  const apps = new NestApps();
  let app: PerKeyApp;

  afterEach(() => apps.closeAll());

  /** Calls the model API once for each model, in order. */
  const callAll = (...models: string[]) =>
    models.forEach((model) => app.models.complete(model, 'ok'));

  describe('with maxBreakers reached (5: the base breaker and 4 per-key ones)', () => {
    let logger: RecordingLogger;

    beforeEach(async () => {
      logger = new RecordingLogger();
      app = await startPerKeyApp(apps, { maxBreakers: 5, logger });
      callAll('k1', 'k2', 'k3', 'k4');
    });

    it('evicts the least recently used closed per-key breaker for a new key', () => {
      callAll('k5');

      expect(app.registry.names()).toEqual([MODEL_API, ...['k2', 'k3', 'k4', 'k5'].map(perKey)]);
    });

    it('counts each call as a use: a key called again outlives the keys called after it', () => {
      callAll('k1', 'k5');

      expect(app.registry.has(perKey('k1'))).toBe(true);
      expect(app.registry.has(perKey('k2'))).toBe(false);
    });

    it('keeps an open per-key breaker and evicts the oldest closed one behind it', () => {
      app.models.failTimes('k1', 2);
      callAll('k2', 'k3', 'k4', 'k5');

      expect(app.registry.get(perKey('k1')).state).toBe('open');
      expect(app.registry.names()).toHaveLength(5);
    });

    it('keeps a per-key breaker forced open by hand', () => {
      app.registry.get(perKey('k1')).forceOpen();
      callAll('k2', 'k3', 'k4', 'k5');

      expect(app.registry.has(perKey('k1'))).toBe(true);
    });

    describe('and every per-key breaker open', () => {
      beforeEach(() => ['k1', 'k2', 'k3', 'k4'].forEach((model) => app.models.failTimes(model, 2)));

      it('runs a call for a new key through the base breaker', () => {
        expect(app.models.complete('k5', 'served')).toBe('served');
        expect(app.registry.get(MODEL_API).getStats().successes).toBe(1);
      });

      it('creates no breaker for the new key', () => {
        callAll('k5');

        expect(app.registry.names()).toHaveLength(5);
        expect(app.registry.has(perKey('k5'))).toBe(false);
      });

      it('keeps refusing calls for the open keys', () => {
        callAll('k5');

        expect(app.models.errorOf('k1')).toMatchObject({ breakerName: perKey('k1') });
      });

      it('logs one warning naming the base breaker and maxBreakers, however many calls fall back', () => {
        callAll('k5', 'k6', 'k5');

        const warnings = logger
          .at('warn')
          .filter((entry) => /maxBreakers/.test(String(entry.message)));
        expect(warnings).toHaveLength(1);
        expect(warnings[0]!.message).toMatch(
          /maxBreakers \(5\).*new keys of "model-api" run through Circuit breaker "model-api"/,
        );
      });

      it('gives new keys their own breakers again once a per-key breaker closes', () => {
        app.registry.reset(perKey('k1'));
        callAll('k5');

        expect(app.registry.has(perKey('k5'))).toBe(true);
        expect(app.registry.has(perKey('k1'))).toBe(false);
      });
    });
  });

  describe('with named breakers', () => {
    it('keeps them when per-key breakers flood in', async () => {
      app = await startPerKeyApp(apps, { maxBreakers: 3 });
      app.registry.get('shipping');

      for (let i = 0; i < 50; i++) callAll(`k${i}`);

      expect(app.registry.names()).toEqual([MODEL_API, 'shipping', perKey('k49')]);
    });

    it('runs every key through the base breaker when they fill maxBreakers', async () => {
      app = await startPerKeyApp(apps, { maxBreakers: 1 });

      callAll('k1', 'k2');

      expect(app.registry.names()).toEqual([MODEL_API]);
      expect(app.registry.get(MODEL_API).getStats().successes).toBe(2);
    });
  });

  describe('with 100 000 distinct keys', () => {
    it('holds at most maxBreakers (default 10 000) breakers, the newest keys among them', async () => {
      app = await startPerKeyApp(apps);

      for (let i = 0; i < 100_000; i++) app.models.complete(`key-${i}`, 'ok');

      const names = app.registry.names();
      expect(names).toHaveLength(10_000);
      expect(names.at(-1)).toBe(perKey('key-99999'));
    });
  });

  describe('idle expiry', () => {
    beforeEach(async () => {
      app = await startPerKeyApp(apps, { idleTimeout: IDLE });
    });

    it('drops a closed per-key breaker unused for idleTimeout from names() and list()', () => {
      callAll('k1');
      app.clock.advance(IDLE);

      expect(app.registry.names()).toEqual([MODEL_API]);
      expect(app.registry.list().map((stats) => stats.name)).toEqual([MODEL_API]);
    });

    it('keeps one unused for less than idleTimeout', () => {
      callAll('k1');
      app.clock.advance(IDLE - 1);

      expect(app.registry.names()).toContain(perKey('k1'));
    });

    it('counts idleness from the last call', () => {
      callAll('k1');
      app.clock.advance(IDLE - 1);
      callAll('k1');
      app.clock.advance(IDLE - 1);

      expect(app.registry.names()).toContain(perKey('k1'));
    });

    it("gives a dropped key's next call a fresh breaker", () => {
      app.models.failTimes('k1', 1);
      app.clock.advance(IDLE);
      app.registry.names();

      callAll('k1');

      expect(app.registry.get(perKey('k1')).getStats()).toMatchObject({
        calls: 1,
        consecutiveFailures: 0,
      });
    });

    it('drops idle breakers when a new key comes, with no listing', () => {
      callAll('k1');
      app.clock.advance(IDLE);
      callAll('k2');

      expect(app.registry.has(perKey('k1'))).toBe(false);
    });

    it('keeps an open per-key breaker until its open timeout has passed', async () => {
      app = await startPerKeyApp(apps, { idleTimeout: IDLE, defaults: { timeout: 2 * IDLE } });
      app.models.failTimes('k1', 2);
      app.clock.advance(IDLE + 1);

      expect(app.registry.names()).toContain(perKey('k1'));
    });

    it('drops a half-open per-key breaker that runs no trial', () => {
      app.models.failTimes('k1', 2);
      app.clock.advance(IDLE);

      expect(app.registry.names()).toEqual([MODEL_API]);
    });

    it('keeps a half-open per-key breaker while a trial call runs', () => {
      app.models.failTimes('k1', 2);
      app.clock.advance(1_000);
      const trial = app.registry.forKey(MODEL_API, 'k1').acquire();
      app.clock.advance(IDLE);

      expect(app.registry.names()).toContain(perKey('k1'));
      trial.release();
    });

    it('keeps a per-key breaker whose mode was set by hand', () => {
      callAll('k1');
      app.registry.get(perKey('k1')).disable();
      app.clock.advance(IDLE);

      expect(app.registry.names()).toContain(perKey('k1'));
    });

    it('never drops named breakers', () => {
      app.registry.get('shipping');
      app.clock.advance(10 * IDLE);

      expect(app.registry.names()).toEqual([MODEL_API, 'shipping']);
    });

    it('stops relaying the state changes of a dropped breaker', () => {
      const changes: StateChange[] = [];
      app.registry.stateChanges$.subscribe((change) => changes.push(change));
      callAll('k1');
      const dropped = app.registry.get(perKey('k1'));
      app.clock.advance(IDLE);
      app.registry.names();

      dropped.recordFailure();
      dropped.recordFailure();

      expect(dropped.state).toBe('open');
      expect(changes).toEqual([]);
    });
  });
});
