// `lab up --i2p` as a lab extension: floodfill routers as service hosts, the private network set up once every host
// is up, the i2pd variables in the inventory, the floodfills in LabInfo and `lab status`.
import { NODES_GROUP, ProvisionError, defineLabExtension, type LabInfo, type LabInventoryPart } from 'provision/lab';
import { i2pLabCli } from './cli.js';
import { DEFAULT_FLOODFILLS, I2P_NETID, RESEED_ZIP_PATH, type I2pLabInfo, floodfillName, i2pGroupVars, i2pHostVars, i2pIpv6, i2pRouterAddress } from './network.js';
import { setupI2p } from './setup.js';

export type { I2pLabInfo } from './network.js';

/** labUp's `extensions.i2p`: a private I2P network among the hosts. */
export interface I2pLabOptions {
  /** How many floodfill routers the lab runs besides the hosts (default 4), named NAME-ff1... */
  floodfills?: number;
}

// What the lab keeps in its state for the extension.
interface I2pLabState {
  floodfills: number;
  reseedZip: string;
}

/** The I2P lab extension (`lab up --i2p`). */
export const i2pLab = defineLabExtension<I2pLabOptions | undefined>({
  name: 'i2p',
  // The i2p-node playbook installs i2pd: every lab's repository holds it, as it holds ufw.
  repoPackages: ['i2pd'],
  roles: { floodfill: 'I2P floodfill' },
  plan(options, lab) {
    const floodfills = options?.floodfills ?? DEFAULT_FLOODFILLS;
    if (!Number.isInteger(floodfills) || floodfills < 1 || floodfills > 16) {
      throw new ProvisionError({ what: `lab: invalid number of floodfill routers ${floodfills}`, expected: '1 to 16', code: 'lab-floodfills' });
    }
    const names = Array.from({ length: floodfills }, (_, i) => floodfillName(lab.name, i + 1));
    const state: I2pLabState = { floodfills, reseedZip: RESEED_ZIP_PATH };
    // The floodfills install i2pd from the lab repository.
    return { serviceHosts: { role: 'floodfill', names, noun: 'floodfill router', label: 'I2P floodfill router' }, packages: ['i2pd'], state };
  },
  setup: setupI2p,
  inventory: (lab) => i2pInventory(lab.name, lab.slot),
  info(lab): I2pLabInfo {
    const state = lab.extensions?.i2p as I2pLabState;
    const floodfills = lab.hosts.filter((h) => h.role === 'floodfill').map((h) => ({ name: h.name, address: h.address, ipv6: i2pIpv6(lab.slot, h.index) }));
    return { netid: I2P_NETID, reseedZip: state.reseedZip, floodfills };
  },
  cli: i2pLabCli,
});

/**
 * The inventory part of an --i2p lab in address slot `slot`: the i2pd variables that make the i2p-node playbook's
 * i2pd join the lab's private I2P network (the floodfill routers are left out of the inventory).
 */
export function i2pInventory(lab: string, slot: number): LabInventoryPart {
  return {
    hostVars: (h) => i2pHostVars(i2pRouterAddress(slot, h.index)),
    groupVars: i2pGroupVars(),
    comment: `Group ${NODES_GROUP}: i2pd joins the lab's private I2P network (netid ${I2P_NETID}); its floodfill routers (${lab}-ff1...) are run by the lab.`,
  };
}

/** The `i2p` part of a LabInfo, typed; undefined for a lab without --i2p. */
export function i2pInfo(info: LabInfo): I2pLabInfo | undefined {
  return info.i2p as I2pLabInfo | undefined;
}
