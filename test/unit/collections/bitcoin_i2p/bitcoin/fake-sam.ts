// A tiny SAM v3.1 bridge on loopback for testing the bitcoind stand-in without i2pd: HELLO, DEST GENERATE,
// SESSION CREATE (transient or with a given key), STREAM ACCEPT, NAMING LOOKUP and STREAM CONNECT between its own
// sessions, with the bytes of a connected stream piped between the two sides. Every command it receives is recorded.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';

/** I2P's base64: the standard alphabet with "-" and "~" for "+" and "/". */
export const i2pB64 = (b: Buffer) => b.toString('base64').replace(/\+/g, '-').replace(/\//g, '~');
const fromI2pB64 = (s: string) => Buffer.from(s.replace(/-/g, '+').replace(/~/g, '/'), 'base64');

/** The .b32.i2p address of a public destination, as Bitcoin Core derives it. */
export function b32Of(pub: Buffer): string {
  const hash = createHash('sha256').update(pub).digest();
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of hash) {
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

/** A destination: 384 random bytes and a key certificate (type 5, 4 bytes: Ed25519 + X25519) make the public part. */
function newDestination(): { pub: Buffer; priv: Buffer } {
  const pub = Buffer.concat([randomBytes(384), Buffer.from([5, 0, 4, 0, 7, 0, 4])]);
  return { pub, priv: Buffer.concat([pub, randomBytes(256 + 32)]) };
}
const pubOf = (priv: Buffer) => priv.subarray(0, 387 + priv.readUInt16BE(385));

interface Session {
  id: string;
  priv: Buffer;
  control: Socket;
  acceptors: Socket[];
}

/** The running fake bridge. */
export interface FakeSam {
  port: number;
  /** Every command line received, in order. */
  commands: string[];
  /** The sessions currently open, by ID. */
  sessions: Map<string, { b32: string; transient: boolean }>;
  close(): Promise<void>;
}

/** Starts the fake bridge on 127.0.0.1 (port 0: any free one). */
export async function startFakeSam(port = 0): Promise<FakeSam> {
  const sessions = new Map<string, Session & { transient: boolean }>();
  const commands: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => undefined);
    let buffer = '';
    let piped = false;
    const onData = (data: Buffer) => {
      if (piped) return;
      buffer += data.toString('latin1');
      let nl: number;
      while (!piped && (nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl).trim();
        buffer = buffer.slice(nl + 1);
        commands.push(line);
        piped = handle(sock, line, () => sock.off('data', onData));
      }
    };
    sock.on('data', onData);
  });

  // Answers one command; true when the socket has become a stream and carries no more commands.
  function handle(sock: Socket, line: string, detach: () => void): boolean {
    const [verb, sub] = line.split(' ');
    const arg = (k: string) => new RegExp(`(?:^| )${k}=(\\S*)`).exec(line)?.[1];
    const say = (s: string) => sock.write(`${s}\n`);
    if (verb === 'HELLO') return say('HELLO REPLY RESULT=OK VERSION=3.1'), false;
    if (verb === 'DEST' && sub === 'GENERATE') {
      const d = newDestination();
      return say(`DEST REPLY PUB=${i2pB64(d.pub)} PRIV=${i2pB64(d.priv)}`), false;
    }
    if (verb === 'SESSION' && sub === 'CREATE') {
      const id = arg('ID')!;
      if (sessions.has(id)) return say('SESSION STATUS RESULT=DUPLICATED_ID'), false;
      const transient = arg('DESTINATION') === 'TRANSIENT';
      const priv = transient ? newDestination().priv : fromI2pB64(arg('DESTINATION')!);
      sessions.set(id, { id, priv, control: sock, acceptors: [], transient });
      sock.on('close', () => sessions.delete(id));
      return say(`SESSION STATUS RESULT=OK DESTINATION=${i2pB64(priv)}`), false;
    }
    if (verb === 'STREAM' && sub === 'ACCEPT') {
      const s = sessions.get(arg('ID')!);
      if (!s) return say('STREAM STATUS RESULT=INVALID_ID'), false;
      s.acceptors.push(sock);
      say('STREAM STATUS RESULT=OK');
      detach();
      return true;
    }
    if (verb === 'NAMING' && sub === 'LOOKUP') {
      const name = arg('NAME')!;
      const s = [...sessions.values()].find((x) => b32Of(pubOf(x.priv)) === name);
      return say(s ? `NAMING REPLY RESULT=OK NAME=${name} VALUE=${i2pB64(pubOf(s.priv))}` : `NAMING REPLY RESULT=KEY_NOT_FOUND NAME=${name}`), false;
    }
    if (verb === 'STREAM' && sub === 'CONNECT') {
      const from = sessions.get(arg('ID')!);
      const target = [...sessions.values()].find((x) => i2pB64(pubOf(x.priv)) === arg('DESTINATION'));
      if (!from) return say('STREAM STATUS RESULT=INVALID_ID'), false;
      const acceptor = target?.acceptors.shift();
      if (!acceptor) return say('STREAM STATUS RESULT=CANT_REACH_PEER'), false;
      say('STREAM STATUS RESULT=OK');
      acceptor.write(`${i2pB64(pubOf(from.priv))} FROM_PORT=0 TO_PORT=0\n`);
      detach();
      sock.pipe(acceptor);
      acceptor.pipe(sock);
      return true;
    }
    say(`${verb} STATUS RESULT=I2P_ERROR MESSAGE="not in the fake"`);
    return false;
  }

  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    commands,
    get sessions() {
      return new Map([...sessions].map(([id, s]) => [id, { b32: b32Of(pubOf(s.priv)), transient: s.transient }]));
    },
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
