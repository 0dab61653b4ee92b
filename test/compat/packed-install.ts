import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { cleanEnv } from './clean-env.js';

const run = promisify(execFile);

/** npm's slowest step here is a cold-cache install; past this something is stuck. */
const INSTALL_TIMEOUT_MS = 200_000;

/** The `npm pack` output this test reads. */
interface PackResult {
  readonly filename: string;
}

/**
 * Packs the repository exactly as `npm publish` would, into `destination`, and returns the
 * tarball's path.
 *
 * @throws Error telling to run `npm run build` when the build output is missing, since the
 * tarball would then hold no code.
 */
export async function packLibrary(root: string, destination: string): Promise<string> {
  if (!existsSync(join(root, 'dist', 'index.js'))) {
    throw new Error(
      `${join(root, 'dist', 'index.js')} is missing: run \`npm run build\` first ` +
        '(`npm test` does), the compat test installs the built package.',
    );
  }

  const { stdout } = await npm(root, ['pack', '--json', '--pack-destination', destination]);
  const [packed] = JSON.parse(stdout) as PackResult[];
  if (packed === undefined) throw new Error(`npm pack reported no tarball: ${stdout}`);

  return join(destination, basename(packed.filename));
}

/**
 * Copies the fixture app into a fresh directory under the OS temp dir and installs its
 * dependencies and the tarball there with one `npm install`, as a user adding the package
 * would. Returns the app's directory.
 */
export async function installApp(
  fixture: string,
  tarball: string,
  parent: string,
): Promise<string> {
  const app = await mkdtemp(join(parent, 'app-'));
  await cp(fixture, app, {
    recursive: true,
    filter: (source) => !source.split(/[\\/]/).includes('node_modules'),
  });

  await npm(app, [
    'install',
    '--no-audit',
    '--no-fund',
    '--no-package-lock',
    '--loglevel=error',
    tarball,
  ]);

  return app;
}

/** The version of a package installed in the app, read from its package.json. */
export async function installedVersion(app: string, name: string): Promise<string> {
  const path = join(app, 'node_modules', name, 'package.json');
  const manifest = JSON.parse(await readFile(path, 'utf8')) as { version: string };

  return manifest.version;
}

/** Runs npm with explicit arguments (no shell), naming the command and npm's output on failure. */
async function npm(cwd: string, args: string[]): Promise<{ stdout: string }> {
  try {
    return await run('npm', args, {
      cwd,
      env: cleanEnv(),
      timeout: INSTALL_TIMEOUT_MS,
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    const message = `npm ${args.join(' ')} failed in ${cwd}:\n${stderr}${stdout}`;
    throw new Error(message, { cause: error });
  }
}
