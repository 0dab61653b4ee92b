import { isEntryPoint } from '../src/entry-point.js';
import { runDemo } from './run-demo.js';

/**
 * `npm run demo`: tells the breaker's story against the sample and exits 0 only if every step
 * happened as told.
 */
export async function main(): Promise<void> {
  const result = await runDemo({ log: (line) => console.log(line) });
  process.exitCode = result.ok ? 0 : 1;
}

if (isEntryPoint(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
