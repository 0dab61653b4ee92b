/**
 * The environment of the npm and node processes the compat test starts: the caller's, minus
 * what `npm test` and Jest add. Inherited `npm_*` variables (such as npm_config_local_prefix)
 * would make the nested npm act on this repository instead of the temporary app, and
 * NODE_OPTIONS / NODE_PATH would change how the app loads its modules; a user's shell has
 * none of them.
 */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(key) || key === 'NODE_OPTIONS' || key === 'NODE_PATH') continue;
    env[key] = value;
  }

  return { ...env, ...extra };
}
