// A TCP connection to a port on a lab host's loopback (its SAM bridge, its web console), made from the control
// machine: a tiny node process inside the host's network namespace pipes the socket to its stdin/stdout. Nothing
// on the host is changed, and nothing needs to listen outside the host's loopback.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { ProvisionError, SYSTEM_PATH } from 'provision/lab';

// The pipe: socket ⇄ stdio. Exits when either side ends; a failed connect exits 2 with the reason on stderr.
const PIPE_SOURCE = `const s = require('net').connect(Number(process.argv[2]), process.argv[1]);
s.on('connect', () => process.stdin.pipe(s));
s.pipe(process.stdout);
s.on('error', (e) => { process.stderr.write(e.message + '\\n'); process.exit(2); });
s.on('close', () => process.exit(0));
process.stdin.on('end', () => s.end());`;

/** One TCP connection into a host's network namespace, read line by line (SAM) or as raw bytes (a stream). */
export class NetnsConnection {
  private readonly child: ChildProcessWithoutNullStreams;
  private buffer = Buffer.alloc(0);
  private ended = false;
  private error = '';
  private waiter?: () => void;

  /** Connects to address:port as seen from inside the network namespace `netns`. */
  constructor(netns: string, port: number, address = '127.0.0.1') {
    this.child = spawn('ip', ['netns', 'exec', netns, process.execPath, '-e', PIPE_SOURCE, address, String(port)], {
      env: { PATH: SYSTEM_PATH, LANG: 'C.UTF-8' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stdout.on('data', (d: Buffer) => ((this.buffer = Buffer.concat([this.buffer, d])), this.wake()));
    this.child.stderr.on('data', (d: Buffer) => (this.error += d.toString('utf8')));
    this.child.stdin.on('error', () => undefined); // the pipe exited first: reads report it
    this.child.on('close', () => ((this.ended = true), this.wake()));
    this.child.on('error', (e) => ((this.error += String(e)), (this.ended = true), this.wake()));
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  /** Sends text (a SAM command needs its own trailing newline). */
  write(text: string): void {
    if (!this.ended) this.child.stdin.write(text);
  }

  /** Resolves with the next line (without its newline); rejects on close or after timeoutMs. */
  async readLine(timeoutMs: number): Promise<string> {
    const i = await this.waitFor(() => this.buffer.indexOf(0x0a), timeoutMs, 'a line');
    const line = this.buffer.subarray(0, i).toString('utf8');
    this.buffer = this.buffer.subarray(i + 1);
    return line;
  }

  /** Resolves once the bytes received so far contain `text`, returning everything up to and including it. */
  async readUntil(text: string, timeoutMs: number): Promise<string> {
    const i = await this.waitFor(() => this.buffer.indexOf(text), timeoutMs, JSON.stringify(text));
    const end = i + Buffer.byteLength(text);
    const got = this.buffer.subarray(0, end).toString('utf8');
    this.buffer = this.buffer.subarray(end);
    return got;
  }

  /** Everything until the other side closes (for an HTTP/1.0 answer); rejects after timeoutMs. */
  async readAll(timeoutMs: number): Promise<string> {
    await this.waitFor(() => (this.ended ? 0 : -1), timeoutMs, 'the end of the answer');
    return this.buffer.toString('utf8');
  }

  private async waitFor(find: () => number, timeoutMs: number, what: string): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = find();
      if (i >= 0) return i;
      if (this.ended) throw new ConnectionClosed(`closed before ${what}${this.error ? ` (${this.error.trim()})` : ''}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new ConnectionTimeout(`no ${what} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiter = () => (clearTimeout(t), resolve());
      });
    }
  }

  /** Closes the connection and ends the pipe process. */
  close(): void {
    if (!this.ended) this.child.kill('SIGKILL');
    this.ended = true;
  }
}

/** The other side closed the connection. */
export class ConnectionClosed extends Error {}
/** Nothing arrived in time. */
export class ConnectionTimeout extends Error {}

/** A SAM v3.1 connection: HELLO done; `command` sends one line and returns the reply's fields. */
export class SamConnection {
  /** The connection; after STREAM CONNECT/ACCEPT succeed it carries the stream's bytes. */
  readonly conn: NetnsConnection;

  private constructor(conn: NetnsConnection) {
    this.conn = conn;
  }

  /** Opens a connection to the SAM bridge on the host's loopback and does the HELLO handshake. */
  static async open(netns: string, port = 7656, timeoutMs = 10_000): Promise<SamConnection> {
    const sam = new SamConnection(new NetnsConnection(netns, port));
    try {
      const reply = await sam.command('HELLO VERSION MIN=3.1 MAX=3.1', timeoutMs);
      if (reply.RESULT !== 'OK') throw new ProvisionError({ what: `SAM HELLO refused in ${netns}`, got: reply.line, code: 'lab-sam' });
    } catch (e) {
      sam.close();
      throw e;
    }
    return sam;
  }

  /** Sends a command line and parses its one-line reply (`NAME VERB KEY=VALUE ...`). */
  async command(line: string, timeoutMs: number): Promise<Record<string, string> & { line: string }> {
    this.conn.write(`${line}\n`);
    return parseReply(await this.conn.readLine(timeoutMs));
  }

  /** Closes the connection (a session ends with its control connection). */
  close(): void {
    this.conn.close();
  }
}

/** Parses a SAM reply line into its KEY=VALUE fields (values may be quoted), plus the line itself. */
export function parseReply(line: string): Record<string, string> & { line: string } {
  const out: Record<string, string> & { line: string } = { line };
  for (const m of line.matchAll(/(\w+)=("([^"]*)"|\S*)/g)) out[m[1]] = m[3] ?? m[2];
  return out;
}
