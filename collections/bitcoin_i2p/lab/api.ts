// What a program (or a test) asks of an --i2p lab's hosts: a stream between two of them, their tunnels, the routers
// they know. Lab-wide calls by host name, like the lab's own labExec.
import { findHost, requireInit } from 'provision/lab';
import { knownRouters, probeI2pStream, waitForTunnels, type ProbeOptions, type ProbeResult } from './probe.js';

/**
 * Proves that lab host `from` reaches lab host `to` over I2P: SAM STREAM sessions on both (their i2pd's SAM on
 * 127.0.0.1:7656, e.g. as the i2p-node playbook sets it up), `to` accepts, `from` connects to its .b32.i2p address,
 * a line goes each way. Retries with new sessions until options.timeoutMs (default 10 min); never throws for an
 * unreachable peer, it reports every try.
 */
export async function labI2pProbe(name: string | undefined, from: string, to: string, options: ProbeOptions = {}): Promise<ProbeResult> {
  const a = await findHost(name, from);
  const b = await findHost(name, to);
  await requireInit(a.lab.name, a);
  await requireInit(b.lab.name, b);
  return probeI2pStream(a.netns, b.netns, options);
}

/** Milliseconds until a lab host's i2pd has an established tunnel through another router each way (its web console
 * on 127.0.0.1:7070), or undefined after timeoutMs. */
export async function labI2pTunnelsReady(name: string | undefined, host: string, timeoutMs: number): Promise<number | undefined> {
  const h = await findHost(name, host);
  return waitForTunnels(h.netns, timeoutMs);
}

/** How many routers and floodfills a lab host's i2pd knows (its web console on 127.0.0.1:7070); undefined when it
 * does not answer. */
export async function labI2pRouters(name: string | undefined, host: string): Promise<{ routers: number; floodfills: number } | undefined> {
  const h = await findHost(name, host);
  return knownRouters(h.netns);
}
