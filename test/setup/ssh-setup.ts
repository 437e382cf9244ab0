// jest global set-up of the ssh project (runs only when an SSH suite is selected): makes sure OpenSSH's sshd is
// here for the suites' own sshd on loopback, installing Debian's openssh-server as root where it is missing. Where
// it cannot, every SSH suite skips with this one reason (PROVISION_SSH_SKIP), recorded for the summary.
import { existsSync } from 'node:fs';
import { installDebianPackages } from '../../src/lab/machine-packages.js';
import { SSHD_BINARY } from '../helpers/sshd.js';
import { recordSkip } from './skips.js';

/** Why the SSH suites cannot run on this machine, after trying to install what they need; undefined when they can. */
async function sshdUnavailable(): Promise<string | undefined> {
  if (process.platform !== 'linux') return `they need Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'they need root (the test sshd logs the test user in); run npm test as root';
  if (existsSync(SSHD_BINARY)) return undefined;
  try {
    await installDebianPackages(['openssh-server'], 'the SSH tests', (line) => process.stderr.write(`\nnpm test: ${line}\n`));
  } catch (e) {
    return `${SSHD_BINARY} is missing and could not be installed: ${(e as Error).message}`;
  }
  return existsSync(SSHD_BINARY) ? undefined : `${SSHD_BINARY} is missing (install openssh-server)`;
}

export default async function sshSetup(): Promise<void> {
  if (process.env.PROVISION_SSH_SKIP) return;
  const reason = await sshdUnavailable();
  if (!reason) return;
  process.env.PROVISION_SSH_SKIP = reason;
  recordSkip('test/ssh/', `SSH suites: ${reason}`);
}
