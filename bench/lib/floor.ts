// The floor: what no tool can beat on these hosts. Raw ssh2 connections (one per host, opened before the clock
// starts, TCP_NODELAY), the commands sent as they are, no framework around them.
import { readFileSync } from 'node:fs';
import ssh2 from 'ssh2';
import { gatherFactsProbe } from '../../src/facts/gather.js';
import type { Inventory } from '../../src/inventory/types.js';
import '../../src/modules/index.js';
import type { Playbook } from '../../src/playbook/types.js';
import { BUNDLED_TEMPLATES } from '../../src/runner/run.js';
import { batchScript, predictProbes } from '../../src/runner/probes.js';
import { newHostState } from '../../src/runner/state.js';
import type { TaskEnv } from '../../src/runner/task.js';
import { Masker } from '../../src/shell/secret.js';
import { wrap, type ShellText } from '../../src/shell/quote.js';
import { resolve } from 'node:path';

/** An open connection to one host. */
export interface Conn {
  name: string;
  client: ssh2.Client;
}

/** Opens one connection per host, checking each host key against known_hosts (its base64 key, by address). */
export async function openAll(hosts: { name: string; address: string }[], keyFile: string, knownHostsFile: string): Promise<Conn[]> {
  const known = new Map<string, string>();
  for (const line of readFileSync(knownHostsFile, 'utf8').split('\n')) {
    const [names, , key] = line.trim().split(/\s+/);
    if (key) for (const n of names.split(',')) known.set(n, key);
  }
  const privateKey = readFileSync(keyFile, 'utf8');
  return Promise.all(
    hosts.map(
      (h) =>
        new Promise<Conn>((res, rej) => {
          const client = new ssh2.Client();
          client
            .on('ready', () => {
              (client as unknown as { _sock: { setNoDelay(on: boolean): void } })._sock.setNoDelay(true);
              res({ name: h.name, client });
            })
            .on('error', rej)
            .connect({
              host: h.address, port: 22, username: 'root', privateKey, readyTimeout: 20_000,
              hostVerifier: (key: Buffer) => known.get(h.address) === key.toString('base64'),
            });
        }),
    ),
  );
}

/** Runs one command on one connection; resolves with its exit code and stdout. */
export function exec(conn: Conn, command: string): Promise<{ code: number | null; stdout: string }> {
  return new Promise((res, rej) => {
    conn.client.exec(command, (err, stream) => {
      if (err) return rej(err);
      const out: Buffer[] = [];
      let code: number | null = null;
      stream.on('data', (d: Buffer) => out.push(d));
      stream.stderr.resume();
      stream.on('exit', (c: number | null) => (code = c));
      stream.on('close', () => res({ code, stdout: Buffer.concat(out).toString() }));
      stream.end();
    });
  });
}

/** Every host runs `commands` one after another (as tasks do), all hosts at once; returns the wall time in ms. */
export async function sequentialOnAll(conns: Conn[], commands: string[]): Promise<number> {
  const t0 = performance.now();
  await Promise.all(
    conns.map(async (c) => {
      for (const cmd of commands) {
        const r = await exec(c, cmd);
        if (r.code !== 0) throw new Error(`floor: ${cmd} on ${c.name} exited ${r.code}`);
      }
    }),
  );
  return performance.now() - t0;
}

/** Closes every connection. */
export function closeAll(conns: Conn[]): void {
  for (const c of conns) c.client.end();
}

/**
 * Per host: the fact script and every distinct probe the playbook's tasks send on a no-op converge of that host (the
 * tasks `tags` selects, `extraVars` applied), as ONE framed script, the way provision batches them. Facts come from
 * the host itself over `conn`.
 */
export async function probeScripts(conns: Conn[], playbook: Playbook, inventory: Inventory, extraVars: Record<string, unknown>, tags?: string[]): Promise<Map<string, ShellText>> {
  const facts = gatherFactsProbe();
  const out = new Map<string, ShellText>();
  for (const c of conns) {
    const state = newHostState(inventory.hosts.get(c.name)!);
    state.facts = facts.parse(await execResult(c, wrap(facts.script, false).text));
    const probes: ShellText[] = [wrap(facts.script, false)];
    for (const play of playbook.plays) {
      const env: TaskEnv = {
        play, inventory, playbookDir: playbook.dir, templateDirs: [resolve(playbook.dir, 'templates'), BUNDLED_TEMPLATES], check: false, diff: false,
        extraVars, masker: new Masker(), verbose: 0, transport: () => Promise.reject(new Error('the floor predicts, it does not run')),
      };
      const tasks = play.tasks.filter((t) => !tags || t.tags.some((x) => tags.includes(x)));
      probes.push(...(await predictProbes(tasks, state, env, { runPrepare: true })));
    }
    // Identical probes (the three ufw tasks read the same state) are sent once, as provision's batch does.
    const unique = [...new Map(probes.map((p) => [p.text, p])).values()];
    out.set(c.name, wrap(batchScript(unique), false));
  }
  return out;
}

async function execResult(conn: Conn, command: string) {
  const r = await exec(conn, command);
  return { stdout: r.stdout, stderr: '', code: r.code };
}

/** Each host runs its one probe script, all hosts at once; returns the wall time in ms. */
export async function oneScriptOnAll(conns: Conn[], scripts: Map<string, ShellText>): Promise<number> {
  const t0 = performance.now();
  await Promise.all(conns.map((c) => exec(c, scripts.get(c.name)!.text)));
  return performance.now() - t0;
}
