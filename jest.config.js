/**
 * Jest runs the TypeScript sources as native ES modules (Nest 12 ships ESM only), compiled
 * by SWC with legacy decorators and decorator metadata, which Nest's injector relies on.
 */
const swcOptions = {
  jsc: {
    target: 'es2022',
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
  },
  module: { type: 'es6' },
  sourceMaps: 'inline',
};

export default {
  testEnvironment: 'node',
  rootDir: '.',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', swcOptions] },
  moduleNameMapper: {
    '^nestjs-circuit-breaker$': '<rootDir>/lib/index.ts',
    '^nestjs-circuit-breaker/health$': '<rootDir>/lib/health/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testPathIgnorePatterns: ['/node_modules/', '/fixtures/'],
  maxWorkers: 2,
};
