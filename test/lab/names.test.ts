// Pure parts of the lab (no root needed): names, addresses, MACs, the inventory and known_hosts it writes.
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { assertLabName } from '../../src/lab/checks.js';
import { hostName } from '../../src/lab/up.js';
import { inventoryText, knownHostsText } from '../../src/lab/inventory.js';
import { hostNet, labNet } from '../../src/lab/net.js';

describe('lab names and addresses', () => {
  it('names hosts after the lab, with a dash when the lab name ends in a digit', () => {
    expect([hostName('lab', 1), hostName('lab', 12), hostName('ci2', 3)]).toEqual(['lab1', 'lab12', 'ci2-3']);
  });

  it('gives the first lab 10.77.0.1/24 on provbr0 and host N the address .(10+N)', () => {
    expect(labNet(0)).toEqual({ bridge: 'provbr0', gateway: '10.77.0.1', subnet: '10.77.0.0/24', mac: '02:77:00:00:00:00' });
    expect(hostNet(0, 1, 'lab1')).toEqual({ address: '10.77.0.11', netns: 'provlab-lab1', veth: 'provv0h1', mac: '02:77:01:00:00:01', peerMac: '02:77:02:00:00:01' });
  });

  it('derives fixed MACs from the slot and host number, so a re-created host keeps its MAC', () => {
    expect(hostNet(3, 20, 'x20').mac).toBe('02:77:01:03:00:14');
    expect(hostNet(3, 20, 'x20')).toEqual(hostNet(3, 20, 'x20'));
  });

  it('keeps interface names within the kernel limit of 15 characters', () => {
    expect(hostNet(255, 240, 'x').veth.length).toBeLessThanOrEqual(15);
    expect(labNet(255).bridge.length).toBeLessThanOrEqual(15);
  });

  it('refuses lab names that cannot become host and interface names', () => {
    expect(() => assertLabName('Bad_Name')).toThrow('lab: invalid lab name "Bad_Name"\n  expected: a lowercase letter, then up to 15 lowercase letters, digits or dashes');
    expect(() => assertLabName('lab')).not.toThrow();
  });
});

describe('lab inventory and known_hosts', () => {
  it('writes an inventory in provision format with root, port 22, the key and known_hosts, the hosts in group nodes', () => {
    const text = inventoryText('lab', [{ name: 'lab1', address: '10.77.0.11' }, { name: 'lab2', address: '10.77.0.12' }], '/s/id_ed25519', '/s/known_hosts', { repoPort: 8123 });
    expect(text.split('\n')[0]).toBe('# Written by `provision lab up --name lab`; `provision lab down --name lab` removes it.');
    expect(parse(text)).toEqual({
      all: {
        hosts: { lab1: { address: '10.77.0.11' }, lab2: { address: '10.77.0.12' } },
        children: {
          nodes: {
            hosts: { lab1: null, lab2: null },
            vars: { ufw_egress_allow: [{ rule: 'allow', direction: 'out', port: 8123, proto: 'tcp', comment: 'lab apt repository' }] },
          },
        },
        vars: { user: 'root', port: 22, private_key_file: '/s/id_ed25519', known_hosts_file: '/s/known_hosts' },
      },
    });
  });

  it('writes one known_hosts line per address and per name, with the host key and no comment', () => {
    const text = knownHostsText([{ name: 'lab1', address: '10.77.0.11', hostKey: 'ssh-ed25519 AAAAC3Nz root@lab1' }]);
    expect(text).toBe('10.77.0.11 ssh-ed25519 AAAAC3Nz\nlab1 ssh-ed25519 AAAAC3Nz\n');
  });
});
