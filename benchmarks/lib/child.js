import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Runs a worker script in its own Node process and returns the JSON object it prints as its
 * last line of output. Heap figures need a process of their own: whatever an earlier case
 * left on the heap would otherwise count.
 *
 * @param {URL} script
 * @param {string[]} args
 * @param {string[]} [nodeFlags]
 */
export function runWorker(script, args, nodeFlags = ['--expose-gc']) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeFlags, fileURLToPath(script), ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const last = output.trim().split('\n').pop() ?? '';
      if (code !== 0)
        return reject(new Error(`${script.pathname} ${args.join(' ')} exited with ${code}`));
      try {
        resolve(JSON.parse(last));
      } catch {
        reject(new Error(`${script.pathname} printed no result: ${JSON.stringify(output)}`));
      }
    });
  });
}
