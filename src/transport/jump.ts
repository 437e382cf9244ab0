// Jump hosts (ProxyJump): one connection per jump host, shared by every host behind it, closed with the last of them.
import type { Duplex } from 'node:stream';
import type { SshTransport } from './ssh.js';
import { target } from './known-hosts.js';
import { UnreachableError, type Connection } from './types.js';

interface Entry {
  transport: Promise<SshTransport>;
  refs: number;
}

const pool = new Map<string, Entry>();

const keyOf = (c: Connection) => `${c.user}@${target(c.address, c.port)}`;

/**
 * A stream to `dest` through its jump host, and the function that gives the jump host back. `open` connects to the
 * jump host itself (connectSsh, passed in to keep this file free of an import cycle).
 */
export async function throughJump(
  hostName: string,
  dest: Connection,
  open: (jump: { name: string; connection: Connection }) => Promise<SshTransport>,
): Promise<{ stream: Duplex; release: () => void }> {
  const jump = dest.proxyJump!;
  const key = keyOf(jump);
  let entry = pool.get(key);
  if (!entry) {
    entry = { transport: open({ name: `jump host ${key}`, connection: jump }), refs: 0 };
    pool.set(key, entry);
    // A failed jump connection is not cached: the next host tries again.
    entry.transport.catch(() => pool.delete(key));
  }
  entry.refs++;
  const e = entry;
  const release = () => {
    if (--e.refs > 0) return;
    pool.delete(key);
    void e.transport.then((t) => t.close(), () => undefined);
  };
  try {
    const t = await e.transport;
    const stream = await t.forwardOut(dest.address, dest.port).catch((err: Error) => {
      throw new UnreachableError(hostName, `jump host ${key} could not reach ${target(dest.address, dest.port)}: ${err.message}`, 'check the address and that sshd on the jump host allows TCP forwarding');
    });
    return { stream, release };
  } catch (err) {
    release();
    if (err instanceof UnreachableError && err.host !== hostName) {
      throw new UnreachableError(hostName, `through jump host ${key}: ${err.message}`, err.fix);
    }
    throw err;
  }
}
