import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildApp } from './child-app.js';
import { startApp } from './child-app.js';
import type { JsonResponse } from './http-get.js';
import { getJson } from './http-get.js';
import { installApp, installedVersion, packLibrary } from './packed-install.js';

/**
 * The published package is ESM; Nest 11 applications are CommonJS. On Node >= 20.19 their
 * `require('nestjs-circuit-breaker')` loads it through require(esm). This suite packs the
 * package, installs the tarball into a plain JavaScript Nest 11 app in a temp dir and talks
 * to that app over HTTP, as a user's deployment would.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURE = fileURLToPath(new URL('./fixtures/nest11-app/', import.meta.url));

/** Packing plus one `npm install` of Nest 11 from the registry; slow on a cold npm cache. */
const SETUP_TIMEOUT_MS = 240_000;

const NEST_PACKAGES = [
  '@nestjs/common',
  '@nestjs/core',
  '@nestjs/platform-express',
  '@nestjs/terminus',
];

describe('nestjs-circuit-breaker in a Nest 11 CommonJS app', () => {
  let workDir: string | undefined;
  let appDir: string;
  let app: ChildApp | undefined;

  const port = () => app!.port;

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'nestjs-circuit-breaker-compat-'));
    const tarball = await packLibrary(ROOT, workDir);
    appDir = await installApp(FIXTURE, tarball, workDir);
    app = await startApp(appDir);
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await app?.stop();
    if (workDir !== undefined) await rm(workDir, { recursive: true, force: true });
  });

  describe('installed from the packed tarball', () => {
    it.each(NEST_PACKAGES)('resolves %s at major version 11', async (name) => {
      const version = await installedVersion(appDir, name);

      expect(version.split('.')[0]).toBe('11');
    });

    it("installs this repository's version of the package", async () => {
      const manifest = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {
        version: string;
      };

      await expect(installedVersion(appDir, 'nestjs-circuit-breaker')).resolves.toBe(
        manifest.version,
      );
    });
  });

  describe('while the upstream answers', () => {
    it('GET /compat answers 200 with the upstream result', async () => {
      const response = await getJson(port(), '/compat');

      expect(response.status).toBe(200);
      expect(response.body).toEqual({ greeting: 'hello from compat-api' });
    });

    it('GET /health answers 200 with compat-api up and closed', async () => {
      const response = await getJson(port(), '/health');

      expect(response.status).toBe(200);
      expect(response.body.details).toMatchObject({
        'compat-api': { status: 'up', state: 'closed' },
      });
    });
  });

  describe('after two upstream failures', () => {
    let failures: JsonResponse[];

    beforeAll(async () => {
      failures = [await getJson(port(), '/compat?fail=1'), await getJson(port(), '/compat?fail=1')];
    });

    it('lets both failing calls reach the upstream, answered 500', () => {
      expect(failures.map((failure) => failure.status)).toEqual([500, 500]);
    });

    it('GET /compat answers 503 with a Retry-After header in seconds', async () => {
      const response = await getJson(port(), '/compat');

      expect(response.status).toBe(503);
      expect(response.headers['retry-after']).toMatch(/^[1-9]\d*$/);
    });

    it('names the compat-api breaker in the 503 body', async () => {
      const response = await getJson(port(), '/compat');

      expect(response.body).toMatchObject({ statusCode: 503, breaker: 'compat-api' });
    });

    it('GET /health answers 503 with compat-api down and open', async () => {
      const response = await getJson(port(), '/health');

      expect(response.status).toBe(503);
      expect(response.body.details).toMatchObject({
        'compat-api': { status: 'down', state: 'open' },
      });
    });

    it('logs the closed -> open change as a single line', () => {
      const warnings = app!
        .stdout()
        .split('\n')
        .filter((line) => line.includes('WARN [CircuitBreaker]'));

      expect(warnings).toEqual([expect.stringContaining('"compat-api": closed -> open')]);
    });
  });
});
