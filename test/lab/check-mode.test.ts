// --check changes nothing anywhere: every bundled playbook, run with --check on a fresh lab host of its own (where a
// run would change the most), leaves the host's files and the control machine's (its home, where the RPC password files go by default, and the current
// folder) exactly as they were.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { labDown, labExec, labUp, type LabInfo } from '../../src/lab/index.js';
import { describeLab } from './shared-lab.js';
import { loadCollectionsWithLab } from '../../src/cli/collections.js';

// Every lab's repository holds what the bundled collections' playbooks install (i2pd): their lab extensions say so.
await loadCollectionsWithLab();

const run = promisify(execFile);
const CLI = resolve('dist/cli/main.js');
const PLAYBOOKS = readdirSync('playbooks')
  .filter((f) => f.endsWith('.yml'))
  .sort()
  .map((f) => resolve('playbooks', f));

// Every path a playbook could write, with what a write alters: mtime, size, mode, owner. The data folders of daemons
// that write on their own (i2pd, bitcoind, systemd's timers and seeds) are left out: they change with no run at all.
const HOST_SNAPSHOT =
  'find /etc /usr/local /opt /root /var/lib -xdev \\( -path /var/lib/i2pd -o -path /var/lib/bitcoind -o -path /var/lib/systemd \\) -prune ' +
  "-o -printf '%p %T@ %s %m %u:%g\\n' | LC_ALL=C sort";

async function hostSnapshot(lab: LabInfo, host: string): Promise<string[]> {
  const r = await labExec(lab.name, host, ['sh', '-c', HOST_SNAPSHOT], { timeoutMs: 120_000 });
  return r.stdout.split('\n').filter(Boolean);
}

/** Every file and folder below `dir` with its mtime, size and mode. */
function localSnapshot(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .sort()
    .map((p) => {
      const s = statSync(join(dir, p));
      return `${p} ${s.mtimeMs} ${s.size} ${s.mode.toString(8)}`;
    });
}

/** The lines of `after` that are not in `before` and the other way round: what changed, readable in a failure. */
function changes(before: string[], after: string[]): { gone: string[]; new: string[] } {
  const b = new Set(before);
  const a = new Set(after);
  return { gone: before.filter((l) => !a.has(l)), new: after.filter((l) => !b.has(l)) };
}

describeLab('--check on a fresh lab host (private systemd lab)', () => {
  const LAB = 'checkmode';
  let lab: LabInfo;
  let home: string;
  let cwd: string;
  let labFiles: string;
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'provision-check-home-'));
    cwd = mkdtempSync(join(tmpdir(), 'provision-check-cwd-'));
    labFiles = mkdtempSync(join(tmpdir(), 'provision-check-lab-'));
    await labDown(LAB).catch(() => false); // the remains of an interrupted earlier run
    lab = await labUp({ name: LAB, hosts: 1, inventory: join(labFiles, 'inventory.yml') });
  }, 180_000);
  afterAll(async () => {
    await labDown(LAB);
    for (const d of [home, cwd, labFiles]) if (d) rmSync(d, { recursive: true, force: true });
  }, 60_000);

  it.each(PLAYBOOKS)('%s with --check changes no file on the hosts or on the control machine', async (playbook) => {
    const before = await Promise.all(lab.hosts.map((h) => hostSnapshot(lab, h.name)));
    // A fresh home: the RPC password files' default folder (~/.config/provision/bitcoin-rpc) does not exist yet.
    const argv = [CLI, 'run', playbook, '-i', lab.inventoryFile, '--check', '-e', `bitcoin_sha256=${'0'.repeat(64)}`];
    const out = await run('node', argv, { cwd, env: { ...process.env, HOME: home }, maxBuffer: 20 << 20 }).then(
      (r) => r.stdout + r.stderr,
      (e: { stdout: string; stderr: string }) => e.stdout + e.stderr,
    );
    // The run reached every host (a run that stopped before connecting would change nothing trivially).
    expect(out).toContain('PLAY RECAP');
    for (const h of lab.hosts) expect(out).toMatch(new RegExp(`^${h.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} +: ok=\\d+  changed=\\d+  unreachable=0 `, 'm'));
    const after = await Promise.all(lab.hosts.map((h) => hostSnapshot(lab, h.name)));
    lab.hosts.forEach((h, i) => {
      expect(before[i].length).toBeGreaterThan(100);
      expect({ host: h.name, ...changes(before[i], after[i]) }).toEqual({ host: h.name, gone: [], new: [] });
    });
    expect(localSnapshot(home)).toEqual([]);
    expect(localSnapshot(cwd)).toEqual([]);
  }, 600_000);
});
