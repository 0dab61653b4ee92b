import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { runCallCases } from './cases/calls.js';
import { runDecoratedCases } from './cases/decorated.js';
import { runFailureRateCases } from './cases/failure-rate.js';
import { runHeapCases } from './cases/heap.js';
import { runHttpCases } from './cases/http.js';
import { renderTable } from './lib/table.js';
import { judge, shortfall } from './targets.js';

/**
 * `npm run bench`: every case, one table, and benchmarks/results/latest.json.
 * Expects the library built into dist/ and the fixtures into build/benchmarks (the npm script
 * does both). Run with --expose-gc so measurements start from a collected heap.
 */
const SECTIONS = [
  ['a, b: a call through a closed breaker, a refusal while open', runCallCases],
  ['c: a decorated provider method', runDecoratedCases],
  ['d: failure-rate rule by window size', runFailureRateCases],
  ['e: heap per breaker, 100 000 breakers per process', runHeapCases],
  ['f: HTTP, autocannon, 10 connections', runHttpCases],
];

const started = Date.now();
const loadBefore = os.loadavg();
const rows = [];

for (const [title, run] of SECTIONS) {
  const sectionStart = Date.now();
  process.stdout.write(`running ${title} ...`);
  rows.push(...(await run()));
  process.stdout.write(` ${((Date.now() - sectionStart) / 1000).toFixed(1)} s\n`);
}

const verdicts = judge(new Map(rows.map((row) => [row.id, row])));
const environment = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model ?? 'unknown',
  platform: `${os.platform()} ${os.release()} ${os.arch()}`,
  loadAverage: { before: loadBefore, after: os.loadavg() },
  durationSeconds: (Date.now() - started) / 1000,
};

const { node, cpus, cpuModel, loadAverage, durationSeconds } = environment;
console.log(
  `\nnestjs-circuit-breaker benchmarks — Node ${node}, ${cpus} CPUs (${cpuModel}), ` +
    `load average ${loadAverage.before[0].toFixed(2)} → ${loadAverage.after[0].toFixed(2)}, ` +
    `${durationSeconds.toFixed(0)} s\n`,
);
console.log(renderTable(rows, verdicts));

const missed = [...verdicts].filter(([, verdict]) => verdict.met === false);
console.log(missed.length === 0 ? '\nevery measured target met' : '\ntargets missed:');
for (const [row, verdict] of missed) console.log(`  ${row}: ${shortfall(verdict)}`);

const results = {
  ...environment,
  rows,
  targets: Object.fromEntries(verdicts),
};
const directory = new URL('./results/', import.meta.url);
await mkdir(directory, { recursive: true });
await writeFile(new URL('latest.json', directory), `${JSON.stringify(results, null, 2)}\n`);
console.log('written to benchmarks/results/latest.json');
