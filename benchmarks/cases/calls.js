import { interleave } from '../lib/interleave.js';
import { timedRows } from '../lib/rows.js';
import {
  cockatiel,
  isClosed,
  openBreakers,
  opossumDefaults,
  opossumNoTimeout,
  ours,
  work,
  workCalls,
} from './subjects.js';

const swallow = () => {};
const identity = (value) => value;

/**
 * (a) A call through a closed breaker, against a bare `await work()`, and (b) a refused call
 * while open, for our breaker, opossum and cockatiel. Every case returns the promise the
 * caller would await; mitata awaits it.
 *
 * @returns {Promise<object[]>} rows for the results table.
 */
export async function runCallCases() {
  const closed = {
    our: ours(),
    opossumNoTimeout: opossumNoTimeout(),
    opossumDefaults: opossumDefaults(),
    cockatiel: cockatiel(),
  };

  const closedTimes = await interleave([
    { id: 'a.bare', fn: () => work() },
    // What any wrapper that waits for the outcome pays at least: one more promise reaction.
    { id: 'a.reaction', fn: () => work().then(identity) },
    { id: 'a.ours', fn: () => closed.our.execute(work) },
    { id: 'a.opossum-no-timeout', fn: () => closed.opossumNoTimeout.fire() },
    { id: 'a.opossum-defaults', fn: () => closed.opossumDefaults.fire() },
    { id: 'a.cockatiel', fn: () => closed.cockatiel.execute(work) },
  ]);

  if (
    !isClosed.ours(closed.our) ||
    !isClosed.opossum(closed.opossumNoTimeout) ||
    !isClosed.opossum(closed.opossumDefaults) ||
    !isClosed.cockatiel(closed.cockatiel)
  ) {
    throw new Error('a breaker of the closed-state cases left the closed state');
  }
  closed.opossumNoTimeout.shutdown();
  closed.opossumDefaults.shutdown();

  const open = await openBreakers();
  const ranBefore = workCalls();
  const refusalTimes = await interleave([
    { id: 'b.ours', fn: () => open.our.execute(work).catch(swallow) },
    { id: 'b.opossum', fn: () => open.opossum.fire(false).catch(swallow) },
    { id: 'b.cockatiel', fn: () => open.cockatiel.execute(work).catch(swallow) },
  ]);
  if (workCalls() !== ranBefore) throw new Error('an open breaker let a call through');
  open.opossum.shutdown();

  return [
    ...timedRows(closedTimes, {
      'a.bare': 'a. closed: bare await work()',
      'a.reaction': 'a. closed: work().then(v => v), no breaker',
      'a.ours': 'a. closed: Breaker.execute',
      'a.opossum-no-timeout': 'a. closed: opossum, timeout off',
      'a.opossum-defaults': 'a. closed: opossum, defaults',
      'a.cockatiel': 'a. closed: cockatiel',
    }),
    ...timedRows(refusalTimes, {
      'b.ours': 'b. open, refusal: Breaker.execute',
      'b.opossum': 'b. open, refusal: opossum',
      'b.cockatiel': 'b. open, refusal: cockatiel',
    }),
  ];
}
