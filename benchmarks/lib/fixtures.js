/**
 * The compiled Nest fixtures (benchmarks/fixtures/*.ts, built by `tsc -p benchmarks/tsconfig.json`
 * into build/benchmarks); decorators with emitted metadata need TypeScript.
 */
const compiled = (file) => new URL(`../../build/benchmarks/fixtures/${file}`, import.meta.url).href;

/** The decorated and plain providers and their module. */
export const loadServices = () => import(compiled('services.js'));

/** The HTTP application's module. */
export const loadHttpApp = () => import(compiled('http-app.js'));
