// jest global teardown of the lab project: takes down the lab test/setup/lab.ts brought up (never a caller's).
import { labDown } from '../../src/lab/index.js';
import { OWN_LAB } from './lab-setup.js';

export default async function labTeardown(): Promise<void> {
  if (process.env.PROVISION_LAB_OWNED !== '1') return;
  await labDown(OWN_LAB);
  process.stderr.write(`npm test: lab ${OWN_LAB} taken down\n`);
}
