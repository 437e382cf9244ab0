// jest runs TypeScript through @swc/jest (fast, no type-check: `npm run typecheck` does that) as native ESM.
const transform = {
  '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } }],
};
const common = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1', '^provision$': '<rootDir>/src/index.ts' },
  transform,
  testEnvironment: 'node',
};
export default {
  // A timeout only stops a hung test (a global option: projects cannot set it). These machines are noisy (2 cores,
  // often shared), so it is generous; tests that need longer set their own.
  testTimeout: 30_000,
  projects: [
    // Unit tests: no network, no root, seconds.
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    // Integration tests: a real OpenSSH sshd on loopback started by the tests themselves.
    { ...common, displayName: 'ssh', testMatch: ['<rootDir>/test/ssh/**/*.test.ts'] },
    // Lab tests: real Debian hosts (systemd-nspawn) brought up by .ci/run; skipped with a clear reason otherwise.
    { ...common, displayName: 'lab', testMatch: ['<rootDir>/test/lab/**/*.test.ts'] },
  ],
};
