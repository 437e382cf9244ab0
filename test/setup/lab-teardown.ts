// jest global teardown of the lab project: takes down the lab test/setup/lab-setup.ts brought up (never a caller's).
import { labDown } from '../../src/lab/index.js';

export default async function labTeardown(): Promise<void> {
  const name = process.env.PROVISION_LAB_NAME;
  if (process.env.PROVISION_LAB_OWNED !== '1' || !name) return;
  await labDown(name);
  process.stderr.write(`npm test: lab ${name} taken down\n`);
}
