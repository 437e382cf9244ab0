import { describe, expect, it } from '@jest/globals';
import { i2pLab } from '../../../collections/bitcoin_i2p/lab/extension.js';
import { registerLabExtension, roleTag } from '../../../src/lab/index.js';
import { planExtensions, serviceHostsOf, serviceHostsText } from '../../../src/lab/extensions.js';
import type { HostState, LabState } from '../../../src/lab/state.js';
import { labInfo } from '../../../src/lab/up.js';

// The bundled collection brings it (the CLI registers the loaded collections' lab extensions).
registerLabExtension(i2pLab);

const host = (name: string, index: number, role?: string): HostState => ({
  name, index, address: `10.77.2.${10 + index}`, netns: `n-${name}`, veth: `v-${name}`, mac: '', dir: `/s/hosts/${name}`, cgroups: [], ...(role ? { role } : {}),
});

const state = (extensions?: Record<string, unknown>, hosts = [host('lab1', 1), host('lab2', 2)]): LabState => ({
  name: 'lab', mode: 'systemd', slot: 2, bridge: 'br', gateway: '10.77.2.1', dir: '/s', hosts, createdAt: '', repo: { dir: '/r', port: 8123 },
  inventoryFile: '/i.yml', knownHostsFile: '/s/known_hosts', keyFile: '/s/id_ed25519', ...(extensions ? { extensions } : {}),
});

describe('a lab extension, as the I2P network uses it', () => {
  it('plans the floodfill routers as service hosts named after the lab, with i2pd in the lab repository', () => {
    const [planned] = planExtensions({ i2p: { floodfills: 2 } }, { name: 'ci2', hosts: 3 });
    expect(planned.plan).toEqual({
      serviceHosts: { role: 'floodfill', names: ['ci2-ff1', 'ci2-ff2'], noun: 'floodfill router', label: 'I2P floodfill router' },
      packages: ['i2pd'],
      state: { floodfills: 2, reseedZip: '/var/lib/provision-lab/i2p-reseed.zip' },
    });
  });

  it('plans nothing for a lab that asks for no extension', () => {
    expect(planExtensions({}, { name: 'lab', hosts: 3 })).toEqual([]);
  });

  it("names the service hosts in lab up's progress lines as before", () => {
    const groups = serviceHostsOf(planExtensions({ i2p: {} }, { name: 'lab', hosts: 2 }));
    expect(serviceHostsText(groups, 'label')).toBe(' and 4 I2P floodfill router(s)');
    expect(serviceHostsText(groups, 'noun')).toBe(' and 4 floodfill router(s)');
    expect(serviceHostsText([], 'noun')).toBe('');
  });

  it('adds its info after the fields every lab has, in the same shape and order `lab up --json` always printed', () => {
    const s = state({ i2p: { floodfills: 1, reseedZip: '/var/lib/provision-lab/i2p-reseed.zip' } }, [host('lab1', 1), host('lab-ff1', 2, 'floodfill')]);
    expect(JSON.stringify(labInfo(s))).toBe(
      '{"name":"lab","mode":"systemd","inventoryFile":"/i.yml","knownHostsFile":"/s/known_hosts","keyFile":"/s/id_ed25519",' +
        '"hosts":[{"name":"lab1","address":"10.77.2.11"}],"stateDir":"/s","repoUrl":"http://10.77.2.1:8123/",' +
        '"i2p":{"netid":78,"reseedZip":"/var/lib/provision-lab/i2p-reseed.zip","floodfills":[{"name":"lab-ff1","address":"10.77.2.12","ipv6":"3fff:78:2::12"}]}}',
    );
    expect(i2pLab.cli!.upLines!(labInfo(s))).toEqual(['lab-ff1\t10.77.2.12\t(I2P floodfill, 3fff:78:2::12)\n']);
  });

  it('adds nothing to a lab that does not use it', () => {
    expect(Object.keys(labInfo(state()))).toEqual(['name', 'mode', 'inventoryFile', 'knownHostsFile', 'keyFile', 'hosts', 'stateDir', 'repoUrl']);
    expect(i2pLab.cli!.upLines!(labInfo(state()))).toEqual([]);
  });

  it('tags its service hosts in `lab status` by role, and an unknown role by its name', () => {
    expect([roleTag('floodfill'), roleTag('relay')]).toEqual(['I2P floodfill', 'relay']);
  });

  it('turns the lab up options into its own, refusing --floodfills without --i2p', () => {
    const cli = i2pLab.cli!;
    expect([cli.fromUpOptions({}), cli.fromUpOptions({ i2p: true }), cli.fromUpOptions({ i2p: true, floodfills: 3 })]).toEqual([undefined, { floodfills: undefined }, { floodfills: 3 }]);
    expect(() => cli.fromUpOptions({ floodfills: 3 })).toThrow('--floodfills needs --i2p');
  });
});
