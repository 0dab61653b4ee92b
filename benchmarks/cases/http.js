import { fork } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

/**
 * Seconds each measured run lasts, and runs per route. On two cores the server and autocannon
 * share the machine, and single runs of the same route differ by several per cent; the median
 * of several alternated runs is what can tell a few per cent apart.
 */
const RUN_SECONDS = 3;
const ROUNDS = 5;

/**
 * The routes, in the order of each round. `noop` has an interceptor that does nothing: what
 * Nest's interceptor pipeline costs by itself, the floor under any interceptor.
 */
const ROUTES = ['plain', 'noop', 'guarded'];
const WARM_UP_SECONDS = 1;
const CONNECTIONS = 10;

const server = fileURLToPath(new URL('../workers/http-server.js', import.meta.url));

/**
 * (f) Requests per second of one route through `@CircuitBreaker` (and the interceptor it
 * applies) and of the same route without, on a Nest Express application in another process,
 * driven by autocannon in turns (plain, guarded, plain, guarded, ...), five runs each; the figure
 * is the median run.
 *
 * @returns {Promise<object[]>} rows for the results table.
 */
export async function runHttpCases() {
  const child = fork(server, [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = once(child, 'exit');
  let stopped = false;
  const reply = () =>
    Promise.race([
      once(child, 'message').then(([message]) => message),
      exited.then(([code]) => Promise.reject(new Error(`the HTTP server exited with ${code}`))),
    ]);
  try {
    const { port } = await reply();
    const url = (route) => `http://127.0.0.1:${port}/${route}`;

    for (const route of ROUTES) await load(url(route), WARM_UP_SECONDS);

    const rates = Object.fromEntries(ROUTES.map((route) => [route, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const route of ROUTES) rates[route].push(await load(url(route), RUN_SECONDS));
    }

    child.send('stop');
    stopped = true;
    const { stats } = await reply();
    if (stats.state !== 'closed' || stats.successes === 0) {
      throw new Error(
        `the guarded route did not run through a closed breaker: ${JSON.stringify(stats)}`,
      );
    }

    return [
      { id: 'f.plain', label: 'f. HTTP GET, plain route', ...rate(rates.plain) },
      { id: 'f.noop', label: 'f. HTTP GET, no-op interceptor, no breaker', ...rate(rates.noop) },
      { id: 'f.guarded', label: 'f. HTTP GET, @CircuitBreaker route', ...rate(rates.guarded) },
    ];
  } finally {
    // After 'stop' the server closes and exits by itself; after a failure it is stopped here.
    if (!stopped) child.kill();
    await Promise.race([exited, delay(5_000, undefined, { ref: false }).then(() => child.kill())]);
    await exited;
  }
}

/** Mean requests per second of one autocannon run; throws on any error or non-2xx answer. */
async function load(url, seconds) {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: seconds });
  if (result.errors || result.timeouts || result.non2xx) {
    throw new Error(
      `${url}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx`,
    );
  }

  return result.requests.average;
}

/** The table's figure for a route: the median of its runs. */
const rate = (runs) => ({
  value: [...runs].sort((a, b) => a - b)[Math.floor(runs.length / 2)],
  unit: 'req/s',
  rounds: runs,
});
