import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { cleanEnv } from './clean-env.js';

/** The line the fixture app prints once it listens. */
const LISTENING = /compat-app listening on port (\d+)/;

const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;

/** A fixture app running in its own Node process. */
export interface ChildApp {
  /** The port the app listens on, on 127.0.0.1. */
  readonly port: number;
  /** Everything the app wrote to stdout so far. */
  stdout(): string;
  /** Stops the app and waits for its process to end. */
  stop(): Promise<void>;
}

/**
 * Starts `node app.js` in `dir` as a plain CommonJS program and resolves once it prints its
 * port.
 *
 * @throws Error with the app's output when it exits or stays silent instead.
 */
export function startApp(dir: string): Promise<ChildApp> {
  // NO_COLOR keeps Nest's log lines free of escape codes, so they can be read back.
  const child = spawn(process.execPath, ['app.js'], {
    cwd: dir,
    env: cleanEnv({ NO_COLOR: '1' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));

  return new Promise((resolve, reject) => {
    const fail = (reason: string) => {
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.off('exit', onExit);
      void stopChild(child).then(() =>
        reject(new Error(`${reason}\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`)),
      );
    };
    const timer = setTimeout(
      () => fail(`app.js did not report its port within ${START_TIMEOUT_MS} ms`),
      START_TIMEOUT_MS,
    );
    const onExit = (code: number | null, signal: string | null) =>
      fail(`app.js exited before listening (code ${code}, signal ${signal})`);
    const onData = () => {
      const match = LISTENING.exec(stdout);
      if (match === null) return;

      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.off('exit', onExit);
      resolve({ port: Number(match[1]), stdout: () => stdout, stop: () => stopChild(child) });
    };
    child.stdout.on('data', onData);
    child.on('exit', onExit);
  });
}

/** Sends SIGTERM (the app closes itself through its shutdown hooks), then SIGKILL if it hangs. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();

  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
