import { describe, expect, it } from '@jest/globals';
import { asRoot } from '../../../src/lab/checks.js';
import { installCommand } from '../../../src/lab/machine-packages.js';

describe('what the lab tells a user who cannot run it yet', () => {
  it('gives the same command again as root, every argument quoted for the shell', () => {
    expect(asRoot(['run', 'playbooks/i2p-node.yml', '--lab', '3', '-e', 'motd=a b; c'])).toBe(
      "sudo --preserve-env=PATH npx provision run playbooks/i2p-node.yml --lab 3 -e 'motd=a b; c'",
    );
  });

  it('names the exact apt-get command for missing packages', () => {
    expect(installCommand(['debootstrap', 'systemd-container'])).toBe('apt-get update && apt-get install -y --no-install-recommends debootstrap systemd-container');
  });
});
