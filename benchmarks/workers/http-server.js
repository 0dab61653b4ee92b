import { NestFactory } from '@nestjs/core';
import { BreakerRegistry } from 'nestjs-circuit-breaker';
import { loadHttpApp } from '../lib/fixtures.js';

/**
 * Serves the sample-style application of case (f) on 127.0.0.1 with an OS-chosen port, in a
 * process of its own so the load generator does not share its event loop. Sends `{ port }`
 * once listening; on `'stop'` it closes and sends the guarded route's breaker stats.
 */
const { HttpBenchModule } = await loadHttpApp();
const app = await NestFactory.create(HttpBenchModule, { logger: false });
await app.listen(0, '127.0.0.1');

process.send({ port: app.getHttpServer().address().port });

process.on('message', async (message) => {
  if (message !== 'stop') return;
  const stats = app.get(BreakerRegistry).get('quotes').getStats();
  await app.close();
  process.send({ stats }, () => process.disconnect());
});
