import 'reflect-metadata';
import { Controller, Get, type INestApplication } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import request from 'supertest';
import { BreakerRegistry, CircuitBreakerModule, type StateChange } from 'nestjs-circuit-breaker';
import { CircuitBreakerHealthIndicator } from 'nestjs-circuit-breaker/health';
import { fakeClock, type FakeClock } from '../../support/fake-clock.js';
import { NestApps } from '../fixtures/nest-apps.js';
import { RecordingLogger } from '../fixtures/recording-logger.js';
import { MODEL_API, ModelClient } from './fixtures/model-client.js';
import { type PerKeyApp, startPerKeyApp } from './fixtures/start.js';

const IDLE = 60_000;

/** The terminus endpoint an application would expose. */
@Controller('health')
class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly breakers: CircuitBreakerHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([() => this.breakers.isHealthy()]);
  }
}

describe('BreakerRegistry with per-key breakers', () => {
  const apps = new NestApps();
  let app: PerKeyApp;

  afterEach(() => apps.closeAll());

  describe('listing', () => {
    beforeEach(async () => {
      app = await startPerKeyApp(apps);
      app.models.complete('gpt-x', 'ok');
      app.models.failTimes('claude-y', 2);
    });

    it('shows per-key breakers in list() with their own stats', () => {
      expect(app.registry.list()).toEqual([
        expect.objectContaining({ name: MODEL_API, state: 'closed', calls: 0 }),
        expect.objectContaining({ name: 'model-api:gpt-x', state: 'closed', successes: 1 }),
        expect.objectContaining({ name: 'model-api:claude-y', state: 'open', failures: 2 }),
      ]);
    });

    it('names named breakers first, then per-key ones from least to most recently used', () => {
      app.models.complete('gpt-x', 'ok');

      expect(app.registry.names()).toEqual([MODEL_API, 'model-api:claude-y', 'model-api:gpt-x']);
    });
  });

  describe('looking per-key breakers up by name', () => {
    beforeEach(async () => {
      app = await startPerKeyApp(apps, { maxBreakers: 3, idleTimeout: IDLE });
      app.models.complete('k1', 'ok');
      app.models.complete('k2', 'ok');
    });

    it('finds the breaker a key uses', () => {
      expect(app.registry.get('model-api:k1')).toBe(app.registry.forKey(MODEL_API, 'k1'));
    });

    it('does not count get() as a use', () => {
      app.registry.get('model-api:k1');
      app.models.complete('k3', 'ok');

      expect(app.registry.has('model-api:k1')).toBe(false);
      expect(app.registry.has('model-api:k2')).toBe(true);
    });

    it("creates an unseen key's breaker as a per-key one, dropped once idle", () => {
      const breaker = app.registry.get('model-api:k3');
      app.clock.advance(IDLE);

      expect(breaker.name).toBe('model-api:k3');
      expect(app.registry.names()).toEqual([MODEL_API]);
    });
  });

  describe('resetting', () => {
    beforeEach(async () => {
      app = await startPerKeyApp(apps);
      app.models.failTimes('k1', 2);
      app.models.failTimes('k2', 2);
    });

    it('closes one per-key breaker by its name', () => {
      app.registry.reset('model-api:k1');

      expect(app.registry.get('model-api:k1').state).toBe('closed');
      expect(app.registry.get('model-api:k2').state).toBe('open');
    });

    it('closes every per-key breaker with resetAll()', () => {
      app.registry.resetAll();

      expect(app.registry.list().map((stats) => stats.state)).toEqual([
        'closed',
        'closed',
        'closed',
      ]);
    });
  });

  describe('state changes', () => {
    it("carries per-key breakers' changes on stateChanges$", async () => {
      app = await startPerKeyApp(apps);
      const changes: StateChange[] = [];
      app.registry.stateChanges$.subscribe((change) => changes.push(change));

      app.models.failTimes('gpt-x', 2);

      expect(changes).toEqual([
        expect.objectContaining({ name: 'model-api:gpt-x', from: 'closed', to: 'open' }),
      ]);
    });

    it("logs a per-key breaker's opening as a warning naming it", async () => {
      const logger = new RecordingLogger();
      app = await startPerKeyApp(apps, { logger });

      app.models.failTimes('gpt-x', 2);

      expect(logger.at('warn').map((entry) => entry.message)).toEqual([
        expect.stringMatching(/^Circuit breaker "model-api:gpt-x": closed -> open/),
      ]);
    });
  });
});

describe('CircuitBreakerHealthIndicator with per-key breakers', () => {
  const apps = new NestApps();
  let clock: FakeClock;
  let http: INestApplication;
  let models: ModelClient;

  beforeEach(async () => {
    clock = fakeClock();
    http = await apps.http({
      imports: [
        TerminusModule.forRoot({ logger: false }),
        CircuitBreakerModule.forRoot({
          defaults: { failureThreshold: 1, timeout: 1_000, clock },
          idleTimeout: IDLE,
          logger: false,
        }),
      ],
      controllers: [HealthController],
      providers: [CircuitBreakerHealthIndicator, ModelClient],
    });
    models = http.get(ModelClient);
    models.complete('gpt-x', 'ok');
    models.failTimes('claude-y', 1);
  });

  afterEach(() => apps.closeAll());

  const health = () => request(http.getHttpServer()).get('/health');

  it('reports each per-key breaker under its name, down while open', async () => {
    const response = await health();

    expect(response.status).toBe(503);
    expect(response.body.details).toEqual({
      [MODEL_API]: expect.objectContaining({ status: 'up', state: 'closed' }),
      'model-api:gpt-x': expect.objectContaining({ status: 'up', state: 'closed' }),
      'model-api:claude-y': expect.objectContaining({ status: 'down', state: 'open' }),
    });
  });

  it('stops reporting per-key breakers once dropped as idle', async () => {
    clock.advance(IDLE);

    const response = await health();

    expect(response.status).toBe(200);
    expect(Object.keys(response.body.details)).toEqual([MODEL_API]);
  });

  it('reports the per-key breakers of a base named __proto__', async () => {
    http.get(BreakerRegistry).forKey('__proto__', 'k');

    const response = await health();

    expect(response.body.details).toHaveProperty(['__proto__:k', 'status'], 'up');
  });

  // Terminus's own executor merges indicators with Object.assign, so over HTTP that name stays
  // unreportable; the indicator's own result keeps it.
  it('returns an own entry for a breaker named __proto__ from isHealthy()', () => {
    http.get(BreakerRegistry).forKey('__proto__', 'k');

    const result = http.get(CircuitBreakerHealthIndicator).isHealthy();

    expect(Object.hasOwn(result, '__proto__')).toBe(true);
  });
});
