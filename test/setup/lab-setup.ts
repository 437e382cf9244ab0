// jest global set-up of the lab project (runs only when a lab suite is selected): brings up the shared lab the lab
// suites use (3 systemd hosts, lab `jest-PID`: runs side by side do not collide) unless the caller gave one (PROVISION_LAB_NAME and
// PROVISION_LAB_INVENTORY), and says where. Where it cannot (not Linux, not root), every lab suite skips with that
// one reason; where bringing it up fails, every lab suite fails with the error (PROVISION_LAB_ERROR).
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labDown, labUp } from '../../src/lab/index.js';
import { listLabs } from '../../src/lab/state.js';
import { recordSkip } from './skips.js';
import { loadCollectionsWithLab } from '../../src/cli/collections.js';

// Every lab's repository holds what the bundled collections' playbooks install (i2pd): their lab extensions say so.
await loadCollectionsWithLab();

/** The name of the lab this npm test brings up for itself. */
const OWN_LAB = `jest-${process.pid}`;

const say = (line: string) => process.stderr.write(`npm test: ${line}\n`);

// The labs of earlier runs that were killed before their teardown (their jest process is gone).
async function removeOrphans(): Promise<void> {
  for (const name of await listLabs()) {
    const pid = /^jest-(\d+)$/.exec(name)?.[1];
    if (pid && !existsSync(`/proc/${pid}`)) {
      say(`taking down lab ${name}, left by an earlier run that was killed`);
      await labDown(name);
    }
  }
}

export default async function labSetup(): Promise<void> {
  if (process.env.PROVISION_LAB_NAME && process.env.PROVISION_LAB_INVENTORY) return;
  const cannot = process.platform !== 'linux' ? `the lab needs Linux (this is ${process.platform})` : process.getuid?.() !== 0 ? 'the lab needs root; run npm test as root' : undefined;
  if (cannot) {
    process.env.PROVISION_LAB_SKIP = cannot;
    recordSkip('test/lab/', `lab suites: ${cannot}`);
    return;
  }
  const inventory = join(mkdtempSync(join(tmpdir(), 'provision-jest-lab-')), 'inventory.yml');
  const started = Date.now();
  try {
    await removeOrphans();
    say(`bringing up a lab of 3 hosts for the lab suites (lab ${OWN_LAB}; taken down at the end)`);
    await labUp({ name: OWN_LAB, hosts: 3, inventory, log: (line) => say(`lab: ${line}`) });
  } catch (e) {
    process.env.PROVISION_LAB_ERROR = `npm test could not bring up its lab: ${(e as Error).message}`;
    say(process.env.PROVISION_LAB_ERROR);
    return;
  }
  say(`lab up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  process.env.PROVISION_LAB_NAME = OWN_LAB;
  process.env.PROVISION_LAB_INVENTORY = inventory;
  process.env.PROVISION_LAB_OWNED = '1';
}
