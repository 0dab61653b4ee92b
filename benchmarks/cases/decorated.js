import { NestFactory } from '@nestjs/core';
import { BreakerRegistry } from 'nestjs-circuit-breaker';
import { interleave } from '../lib/interleave.js';
import { loadServices } from '../lib/fixtures.js';
import { timedRows } from '../lib/rows.js';

const identity = (value) => value;

/**
 * (c) A provider method decorated with `@CircuitBreaker('x')` against the same method without
 * the decorator, both on providers of one Nest application context.
 *
 * @returns {Promise<object[]>} rows for the results table.
 */
export async function runDecoratedCases() {
  const { GuardedService, PlainService, ServicesBenchModule } = await loadServices();
  const app = await NestFactory.createApplicationContext(ServicesBenchModule, { logger: false });

  try {
    const guarded = app.get(GuardedService);
    const plain = app.get(PlainService);

    const times = await interleave([
      { id: 'c.plain', fn: () => plain.answer() },
      { id: 'c.decorated', fn: () => guarded.answer() },
      // The least a wrapper that counts outcomes can add: one promise reaction.
      { id: 'c.reaction', fn: () => plain.answer().then(identity) },
    ]);

    const breaker = app.get(BreakerRegistry).get('x');
    if (!breaker.isClosed || breaker.getStats().successes === 0) {
      throw new Error('the decorated method did not run through a closed breaker');
    }

    return timedRows(times, {
      'c.plain': 'c. provider method, plain',
      'c.reaction': 'c. plain method .then(v => v), no breaker',
      'c.decorated': 'c. provider method, @CircuitBreaker',
    });
  } finally {
    await app.close();
  }
}
