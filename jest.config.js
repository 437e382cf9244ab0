import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Where suites and global set-ups record why they skip; the skip summary reporter prints it at the end.
process.env.PROVISION_SKIP_LOG ??= join(tmpdir(), `provision-skips-${process.pid}.jsonl`);

// jest runs TypeScript through @swc/jest (fast, no type-check: `npm run typecheck` does that) as native ESM.
const transform = {
  '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } }],
};
const common = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    '^provision$': '<rootDir>/src/index.ts',
    '^provision/lab$': '<rootDir>/src/lab/extension.ts',
    '^provision/collections/(\\w+)$': '<rootDir>/collections/$1/index.ts',
  },
  transform,
  testEnvironment: 'node',
};
export default {
  // A timeout only stops a hung test (a global option: projects cannot set it). These machines are noisy (2 cores,
  // often shared), so it is generous; tests that need longer set their own.
  testTimeout: 30_000,
  // After jest's own summary: how many tests were skipped, and why.
  reporters: ['default', '<rootDir>/test/setup/skip-summary.js'],
  projects: [
    // Unit tests: no network, no root, seconds.
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    // Integration tests: a real OpenSSH sshd on loopback started by the tests themselves (the set-up installs
    // openssh-server where it is missing, as root).
    { ...common, displayName: 'ssh', testMatch: ['<rootDir>/test/ssh/**/*.test.ts'], globalSetup: '<rootDir>/test/setup/jest-ssh-setup.js' },
    // Lab tests: real Debian hosts (systemd-nspawn). The set-up brings up a shared lab for them (as root) and the
    // teardown takes it down; each set-up runs only when a suite of its project is selected.
    {
      ...common,
      displayName: 'lab',
      testMatch: ['<rootDir>/test/lab/**/*.test.ts'],
      globalSetup: '<rootDir>/test/setup/jest-lab-setup.js',
      globalTeardown: '<rootDir>/test/setup/jest-lab-teardown.js',
    },
  ],
};
