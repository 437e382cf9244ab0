// `lab up --i2p`: the lab's own private I2P network (LAB.md, i2pd 2.45.1). The pure part: addresses, ports, the
// floodfill routers' fixed i2pd.conf, and the inventory variables that let the i2p-node playbook's i2pd join.
import { NET_PREFIX } from 'provision/lab';

/** The network id of every lab I2P network (the public network is 2; routers of another netid refuse each other). */
export const I2P_NETID = 78;

/** Floodfill routers the lab runs by default (3 make 3-hop tunnels possible; LAB.md: 5-6 routers for reliability). */
export const DEFAULT_FLOODFILLS = 4;

/** Where, inside every node host, the lab puts the reseed zip of its floodfills' router infos. */
export const RESEED_ZIP_PATH = '/var/lib/provision-lab/i2p-reseed.zip';

/**
 * The IPv6 address of the host at 10.77.K.H: 3fff:78:K::H, written with the same decimal digits (slot 0: 3fff:78::H),
 * inside 3fff::/20 (documentation range, not reserved for i2pd 2.45.1; a ULA prefix did not work). Canonical form,
 * as i2pd writes it into router infos.
 */
export function i2pIpv6(slot: number, index: number): string {
  const host = String(10 + index);
  return slot === 0 ? `3fff:78::${host}` : `3fff:78:${slot}::${host}`;
}

/** The fixed I2P router port of the host at 10.77.K.H: 20000 + H (inside the 9000-31000 range ufw rules open). */
export function i2pPort(index: number): number {
  return 20000 + 10 + index;
}

/** The name of floodfill number i of a lab. */
export function floodfillName(lab: string, i: number): string {
  return `${lab}-ff${i}`;
}

/** What LabInfo shows under `i2p`: the floodfill routers (not in the inventory) and where each node's reseed zip is. */
export interface I2pLabInfo {
  netid: number;
  reseedZip: string;
  floodfills: { name: string; address: string; ipv6: string }[];
}

/** What a router of the lab's network is: its addresses and port. */
export interface I2pRouterAddress {
  address: string;
  ipv6: string;
  port: number;
}

/** i2pd.conf of a lab floodfill router: LAB.md's settings that worked, not the playbook's template. */
export function floodfillConf(lab: string, r: I2pRouterAddress): string {
  return `# i2pd.conf of a floodfill router of provision lab "${lab}"'s private I2P network (written by \`provision lab up --i2p\`).
port = ${r.port}
ipv4 = true
ipv6 = true
host = ${r.address}
address4 = ${r.address}
address6 = ${r.ipv6}
nat = false
bandwidth = X
floodfill = true
netid = ${I2P_NETID}
loglevel = info

[ntcp2]
enabled = true
published = true

[ssu2]
enabled = true
published = true

[http]
enabled = true
address = 127.0.0.1
port = 7070

[httpproxy]
enabled = false

[socksproxy]
enabled = false

[sam]
enabled = false

[bob]
enabled = false

[i2cp]
enabled = false

[i2pcontrol]
enabled = false

[upnp]
enabled = false

[reseed]
verify = false
urls =
yggurls =
threshold = 1

## The address book stays on: i2pd 2.45.1 crashes when a stream arrives without it (LAB.md).
[addressbook]
enabled = true

[nettime]
enabled = false
`;
}

/** Variables every node of an --i2p lab gets (the inventory's `nodes` group vars). */
export function i2pGroupVars(): Record<string, unknown> {
  return {
    i2pd_netid: I2P_NETID,
    i2pd_ipv4: true,
    i2pd_ipv6: true,
    i2pd_nat: false,
    i2pd_floodfill: false,
    i2pd_bandwidth: 'X',
    i2pd_reseed_verify: false,
    i2pd_reseed_urls: [],
    i2pd_reseed_yggurls: [],
    i2pd_reseed_zipfile: RESEED_ZIP_PATH,
    i2pd_reseed_threshold: 1,
    i2pd_nettime_enabled: false,
  };
}

/** Variables of one node host (inventory host vars): its port and the addresses its router publishes. */
export function i2pHostVars(r: I2pRouterAddress): Record<string, unknown> {
  return { i2pd_port: r.port, i2pd_host: r.address, i2pd_address4: r.address, i2pd_address6: r.ipv6 };
}

/** The router address of host number `index` in slot `slot`. */
export function i2pRouterAddress(slot: number, index: number): I2pRouterAddress {
  return { address: `${NET_PREFIX}.${slot}.${10 + index}`, ipv6: i2pIpv6(slot, index), port: i2pPort(index) };
}
