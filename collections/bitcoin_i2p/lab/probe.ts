// Proof that one lab host reaches another over I2P: a SAM STREAM session on each (fresh IDs every round), B accepts,
// A connects to B's .b32.i2p address, bytes flow both ways. Bounded retries with timings, since i2pd 2.45.1 loses a
// lease-set publish now and then (LAB.md: CANT_REACH_PEER for minutes in about 1 of 5 sessions; new sessions help).
import { createHash, randomBytes } from 'node:crypto';
import { NetnsConnection, SamConnection } from './sam.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One connect try: what SAM answered and how long each step took (ms). */
export interface ProbeTry {
  /** 1-based session round (new session IDs and a new destination for B each round). */
  round: number;
  /** SESSION CREATE on both hosts (the slower of the two), when this try created the sessions. */
  sessionMs?: number;
  /** STREAM CONNECT until its STREAM STATUS reply. */
  connectMs?: number;
  /** STREAM STATUS RESULT of the connect (OK, CANT_REACH_PEER, ...). */
  result?: string;
  /** From sending the first bytes on A until B's answer arrived on A. */
  roundTripMs?: number;
  /** Why this try failed. */
  error?: string;
}

/** The outcome of a reachability probe. */
export interface ProbeResult {
  ok: boolean;
  /** B's address of the successful round (or the last one). */
  b32?: string;
  /** From the probe's start until bytes came back (or until it gave up), ms. */
  totalMs: number;
  tries: ProbeTry[];
}

/** Options of probeI2pStream. */
export interface ProbeOptions {
  /** Give up after this long (default 10 minutes). */
  timeoutMs?: number;
  /** New sessions after this long without success in one round (default 150 s). */
  roundMs?: number;
  /** SAM port on both hosts (default 7656). */
  samPort?: number;
  log?: (line: string) => void;
}

/** I2P's base64 → bytes. */
export function fromI2pBase64(text: string): Buffer {
  return Buffer.from(text.replace(/-/g, '+').replace(/~/g, '/'), 'base64');
}

/** The .b32.i2p address of a destination given in I2P base64: base32 (lowercase, unpadded) of its SHA-256. */
export function b32Address(destination: string): string {
  const digest = createHash('sha256').update(fromI2pBase64(destination)).digest();
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of digest) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return `${out}.b32.i2p`;
}

/** Proves that the host in network namespace `from` reaches the one in `to` over I2P through their SAM bridges. */
export async function probeI2pStream(from: string, to: string, options: ProbeOptions = {}): Promise<ProbeResult> {
  const started = Date.now();
  const deadline = started + (options.timeoutMs ?? 600_000);
  const port = options.samPort ?? 7656;
  const log = options.log ?? (() => undefined);
  const tries: ProbeTry[] = [];
  let b32: string | undefined;
  for (let round = 1; Date.now() < deadline; round++) {
    const suffix = `${process.pid}x${round}x${randomBytes(3).toString('hex')}`;
    const open: { close(): void }[] = [];
    try {
      const t0 = Date.now();
      const ctlB = await SamConnection.open(to, port);
      open.push(ctlB);
      const dest = await ctlB.command('DEST GENERATE SIGNATURE_TYPE=7', 30_000);
      if (!dest.PUB || !dest.PRIV) throw new Error(`DEST GENERATE: ${dest.line}`);
      b32 = b32Address(dest.PUB);
      const ctlA = await SamConnection.open(from, port);
      open.push(ctlA);
      const left = () => Math.max(1000, deadline - Date.now());
      const [a, b] = await Promise.all([
        ctlA.command(`SESSION CREATE STYLE=STREAM ID=a${suffix} DESTINATION=TRANSIENT SIGNATURE_TYPE=7`, Math.min(180_000, left())),
        ctlB.command(`SESSION CREATE STYLE=STREAM ID=b${suffix} DESTINATION=${dest.PRIV}`, Math.min(180_000, left())),
      ]);
      const sessionMs = Date.now() - t0;
      if (a.RESULT !== 'OK' || b.RESULT !== 'OK') {
        tries.push({ round, sessionMs, error: `SESSION CREATE: ${a.RESULT !== 'OK' ? a.line : b.line}` });
        continue;
      }
      log(`round ${round}: sessions created in ${sessionMs} ms; connecting to ${b32}`);
      const roundEnd = Math.min(deadline, Date.now() + (options.roundMs ?? 150_000));
      for (let first = true; Date.now() < roundEnd; first = false) {
        const t = await connectOnce(from, to, port, `a${suffix}`, `b${suffix}`, b32, Math.max(1000, roundEnd - Date.now()));
        tries.push({ round, ...(first ? { sessionMs } : {}), ...t });
        log(`round ${round}: ${t.result ?? '-'}${t.connectMs !== undefined ? ` after ${t.connectMs} ms` : ''}${t.roundTripMs !== undefined ? `, round trip ${t.roundTripMs} ms` : ''}${t.error ? ` (${t.error})` : ''}`);
        if (t.roundTripMs !== undefined) return { ok: true, b32, totalMs: Date.now() - started, tries };
        await sleep(Math.min(5000, Math.max(0, roundEnd - Date.now())));
      }
    } catch (e) {
      tries.push({ round, error: (e as Error).message });
      log(`round ${round}: ${(e as Error).message}`);
      await sleep(Math.min(5000, Math.max(0, deadline - Date.now())));
    } finally {
      for (const c of open) c.close();
    }
  }
  return { ok: false, ...(b32 ? { b32 } : {}), totalMs: Date.now() - started, tries };
}

// One STREAM ACCEPT on B and one STREAM CONNECT from A, then a line each way.
async function connectOnce(from: string, to: string, port: number, idA: string, idB: string, b32: string, budgetMs: number): Promise<Omit<ProbeTry, 'round'>> {
  const open: SamConnection[] = [];
  try {
    const acc = await SamConnection.open(to, port);
    open.push(acc);
    const accepted = await acc.command(`STREAM ACCEPT ID=${idB} SILENT=false`, 10_000);
    if (accepted.RESULT !== 'OK') return { result: accepted.RESULT, error: `STREAM ACCEPT: ${accepted.line}` };
    const con = await SamConnection.open(from, port);
    open.push(con);
    const t0 = Date.now();
    const connected = await con.command(`STREAM CONNECT ID=${idA} DESTINATION=${b32} SILENT=false`, Math.min(budgetMs, 120_000));
    const connectMs = Date.now() - t0;
    if (connected.RESULT !== 'OK') return { connectMs, result: connected.RESULT ?? connected.line };
    // OK only means the request left (LAB.md): only bytes coming back prove the stream.
    const nonce = randomBytes(8).toString('hex');
    const t1 = Date.now();
    con.conn.write(`ping ${nonce}\n`);
    const wait = Math.max(1000, Math.min(budgetMs - connectMs, 90_000));
    const peer = await acc.conn.readLine(wait); // SILENT=false: the connecting destination comes first
    const ping = await acc.conn.readLine(wait);
    if (!peer || ping !== `ping ${nonce}`) return { connectMs, result: 'OK', error: `B received ${JSON.stringify(ping)}` };
    acc.conn.write(`pong ${nonce}\n`);
    const pong = await con.conn.readLine(wait);
    if (pong !== `pong ${nonce}`) return { connectMs, result: 'OK', error: `A received ${JSON.stringify(pong)}` };
    return { connectMs, result: 'OK', roundTripMs: Date.now() - t1 };
  } catch (e) {
    return { error: (e as Error).message };
  } finally {
    for (const c of open) c.close();
  }
}

/** Milliseconds until the host's i2pd has an established multi-hop inbound and outbound tunnel (read from its web
 * console on 127.0.0.1:7070), or undefined at the timeout. */
export async function waitForTunnels(netns: string, timeoutMs: number, consolePort = 7070): Promise<number | undefined> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const html = await fetchConsole(netns, consolePort, '/?page=tunnels').catch(() => '');
    if (tunnelsReady(html)) return Date.now() - started;
    await sleep(500);
  }
  return undefined;
}

/** True when i2pd's tunnels page lists an established tunnel of at least one hop both inbound and outbound. */
export function tunnelsReady(html: string): boolean {
  const i = html.indexOf('Inbound tunnels');
  const o = html.indexOf('Outbound tunnels');
  if (i < 0 || o < 0) return false;
  const section = (s: string) => s.split('<div class="listitem">').slice(1).some((item) => item.includes('tunnel established') && (item.match(/&#8658;/g)?.length ?? 0) >= 2);
  return section(html.slice(i, o)) && section(html.slice(o));
}

/** How many routers and floodfills a host's i2pd knows (its web console's main page), or undefined when it does not answer. */
export async function knownRouters(netns: string, consolePort = 7070): Promise<{ routers: number; floodfills: number } | undefined> {
  const html = await fetchConsole(netns, consolePort, '/').catch(() => '');
  return parseKnownRouters(html);
}

/** Reads "Routers: N Floodfills: M" from i2pd's console page. */
export function parseKnownRouters(html: string): { routers: number; floodfills: number } | undefined {
  const m = /Routers:\s*(?:<[^>]*>\s*)*(\d+)\s*(?:<[^>]*>\s*)*Floodfills:\s*(?:<[^>]*>\s*)*(\d+)/.exec(html);
  return m ? { routers: Number(m[1]), floodfills: Number(m[2]) } : undefined;
}

async function fetchConsole(netns: string, port: number, path: string): Promise<string> {
  const c = new NetnsConnection(netns, port);
  try {
    c.write(`GET ${path} HTTP/1.0\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
    return await c.readAll(5000);
  } finally {
    c.close();
  }
}
