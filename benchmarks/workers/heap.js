import { HEAP_SUBJECTS } from '../cases/heap-subjects.js';

/**
 * Weighs one subject of case (e) in a process of its own (run with --expose-gc): heap used
 * after creating `count` breakers, less heap used before, divided by `count`.
 *
 * Usage: node --expose-gc workers/heap.js <row id> <count>
 */
const [id, countArg] = process.argv.slice(2);
const count = Number(countArg);
const subject = HEAP_SUBJECTS[id];
if (subject?.open === undefined || !Number.isSafeInteger(count))
  throw new Error(`no heap subject ${id}`);
if (typeof globalThis.gc !== 'function') throw new Error('run with --expose-gc');

const settledHeap = () => {
  for (let i = 0; i < 4; i++) globalThis.gc();
  return process.memoryUsage().heapUsed;
};

const maker = await subject.open();
// The first breakers compile the code and create the shapes every later one shares.
const warmUp = Array.from({ length: 1_000 }, (_, i) => maker.create(count + i));

const held = new Array(count).fill(null);
const before = settledHeap();
for (let i = 0; i < count; i++) held[i] = maker.create(i);
const after = settledHeap();

const created = held.filter((breaker) => breaker !== null).length;
await maker.close([...warmUp, ...held]);

process.stdout.write(
  `${JSON.stringify({ id, count: created, bytesPerBreaker: (after - before) / created })}\n`,
);
