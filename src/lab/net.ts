// The lab's network: one bridge with the lab's gateway address, one network namespace + veth pair per host.
// Nothing is routed off the machine: hosts get no default route and no NAT exists.
import { writeFile } from 'node:fs/promises';
import { ProvisionError } from '../errors.js';
import { NET_PREFIX } from './config.js';
import { must, run } from './run.js';

const hex = (n: number) => n.toString(16).padStart(2, '0');

/** Names and addresses of the lab that uses address slot `slot` (10.77.slot.0/24). */
export function labNet(slot: number): { bridge: string; gateway: string; subnet: string; mac: string } {
  return { bridge: `provbr${slot}`, gateway: `${NET_PREFIX}.${slot}.1`, subnet: `${NET_PREFIX}.${slot}.0/24`, mac: `02:77:00:${hex(slot)}:00:00` };
}

/** Names and addresses of host number `index` in slot `slot`; MACs are fixed so no stale ARP entry survives a re-create. */
export function hostNet(slot: number, index: number, hostName: string): { address: string; netns: string; veth: string; mac: string; peerMac: string } {
  return {
    address: `${NET_PREFIX}.${slot}.${10 + index}`,
    netns: `provlab-${hostName}`,
    veth: `provv${slot}h${index}`,
    mac: `02:77:01:${hex(slot)}:00:${hex(index)}`,
    peerMac: `02:77:02:${hex(slot)}:00:${hex(index)}`,
  };
}

/** Throws when the slot's /24, or its bridge name, is already used by something that is not this lab. */
export async function assertRangeFree(slot: number): Promise<void> {
  const { bridge, subnet } = labNet(slot);
  const prefix = `${NET_PREFIX}.${slot}.`;
  const addrs = JSON.parse((await run(['ip', '-j', 'addr', 'show'])).stdout || '[]') as { ifname: string; addr_info?: { local: string; prefixlen: number }[] }[];
  for (const link of addrs) {
    if (link.ifname === bridge) throw inUse(subnet, `a link named ${bridge} already exists`);
    for (const a of link.addr_info ?? []) {
      if (a.local.startsWith(prefix)) throw inUse(subnet, `${link.ifname} has ${a.local}/${a.prefixlen}`);
    }
  }
  const routes = JSON.parse((await run(['ip', '-j', 'route', 'show'])).stdout || '[]') as { dst: string; dev?: string }[];
  for (const r of routes) {
    // A route inside our /24 would steal the lab's traffic; a wider one (10.0.0.0/8) is overridden by ours.
    if (r.dst.startsWith(prefix) || r.dst === subnet) throw inUse(subnet, `a route to ${r.dst}${r.dev ? ` via ${r.dev}` : ''} exists`);
  }
}

function inUse(subnet: string, got: string): ProvisionError {
  return new ProvisionError({
    what: `lab: address range ${subnet} is already in use on this machine`,
    got,
    fix: 'take down whatever uses it (another lab: `provision lab status`), then run `lab up` again',
    code: 'lab-range-in-use',
  });
}

/** Creates the lab's bridge with the gateway address. */
export async function createBridge(slot: number): Promise<void> {
  const { bridge, gateway, mac } = labNet(slot);
  await must(['ip', 'link', 'add', bridge, 'address', mac, 'type', 'bridge'], `creating bridge ${bridge}`);
  await must(['ip', 'addr', 'add', `${gateway}/24`, 'dev', bridge], `addressing bridge ${bridge}`);
  // Nothing a host sends leaves the machine, even if the control machine forwards IP or a host adds a default
  // route: the bridge neither forwards IPv4 nor speaks IPv6 (hosts still reach each other over it, at layer 2).
  await writeFile(`/proc/sys/net/ipv4/conf/${bridge}/forwarding`, '0');
  await writeFile(`/proc/sys/net/ipv6/conf/${bridge}/disable_ipv6`, '1').catch(() => undefined); // no IPv6 in the kernel: nothing to disable
  await must(['ip', 'link', 'set', bridge, 'up'], `bringing up bridge ${bridge}`);
}

/** Creates a host's namespace and veth pair (eth0 inside) and gives it its address; no default route. */
export async function createHostNet(bridge: string, h: { address: string; netns: string; veth: string; mac: string; peerMac: string }): Promise<void> {
  await must(['ip', 'netns', 'add', h.netns], `creating network namespace ${h.netns}`);
  await must(['ip', 'link', 'add', h.veth, 'address', h.peerMac, 'type', 'veth', 'peer', 'name', 'eth0', 'address', h.mac, 'netns', h.netns], `creating veth ${h.veth}`);
  await must(['ip', 'link', 'set', h.veth, 'master', bridge, 'up'], `attaching ${h.veth} to ${bridge}`);
  await must(['ip', '-n', h.netns, 'link', 'set', 'lo', 'up'], `bringing up lo in ${h.netns}`);
  await must(['ip', '-n', h.netns, 'addr', 'add', `${h.address}/24`, 'dev', 'eth0'], `addressing eth0 in ${h.netns}`);
  await must(['ip', '-n', h.netns, 'link', 'set', 'eth0', 'up'], `bringing up eth0 in ${h.netns}`);
}

/** Removes a host's namespace and veth pair; missing pieces are fine. */
export async function removeHostNet(h: { netns: string; veth: string }): Promise<void> {
  await run(['ip', 'netns', 'del', h.netns]);
  await run(['ip', 'link', 'del', h.veth]);
}

/** Removes the lab's bridge; a missing bridge is fine. */
export async function removeBridge(bridge: string): Promise<void> {
  await run(['ip', 'link', 'del', bridge]);
}

/** True when a network namespace of that name exists. */
export async function netnsExists(netns: string): Promise<boolean> {
  const r = await run(['ip', 'netns', 'list']);
  return r.stdout.split('\n').some((l) => l.split(' ')[0] === netns);
}

/** PIDs of every process inside a network namespace. */
export async function netnsPids(netns: string): Promise<number[]> {
  const r = await run(['ip', 'netns', 'pids', netns]);
  return r.code === 0 ? r.stdout.split('\n').filter(Boolean).map(Number) : [];
}
