// Ansible's side: Debian's ansible-playbook with bench/ansible/ansible.cfg (pipelining, ControlPersist), forks =
// number of hosts, against the same lab hosts with the same host keys.
import { readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { timed } from './proc.js';

const DIR = resolve(import.meta.dirname, '../ansible');

/** One ansible-playbook run, measured. */
export interface AnsibleRun {
  ms: number;
  code: number | null;
  changed: Record<string, number>;
  failed: number;
  output: string;
}

/** Runs ansible-playbook; `controlDir` holds this lab's ControlPersist sockets (closed by closeMasters). */
export async function runAnsible(playbook: string, inventory: string, forks: number, controlDir: string, args: string[] = []): Promise<AnsibleRun> {
  const r = await timed(['ansible-playbook', '-i', inventory, '-f', String(forks), join(DIR, playbook), ...args], {
    cwd: DIR,
    env: { ANSIBLE_CONFIG: join(DIR, 'ansible.cfg'), ANSIBLE_SSH_CONTROL_PATH_DIR: controlDir, ANSIBLE_NOCOLOR: '1', ANSIBLE_FORCE_COLOR: '0' },
  });
  const changed: Record<string, number> = {};
  let failed = 0;
  for (const m of r.stdout.matchAll(/^(\S+)\s+: ok=\d+\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)/gm)) {
    changed[m[1]] = Number(m[2]);
    failed += Number(m[3]) + Number(m[4]);
  }
  const failures = r.stdout.split('\n').filter((l) => /^(fatal|failed):/.test(l)).join('\n');
  return { ms: r.ms, code: r.code, changed, failed, output: (failures || r.stdout.slice(-3000)) + r.stderr.slice(-2000) };
}

/** Ends the ControlPersist masters of a lab (they would outlive its hosts) and removes their folder. */
export async function closeMasters(controlDir: string): Promise<void> {
  let sockets: string[] = [];
  try {
    sockets = readdirSync(controlDir);
  } catch {
    return;
  }
  await Promise.all(sockets.map((s) => timed(['ssh', '-o', `ControlPath=${join(controlDir, s)}`, '-O', 'exit', 'bench'])));
  rmSync(controlDir, { recursive: true, force: true });
}

/** `ansible-playbook --version`'s first line. */
export async function ansibleVersion(): Promise<string> {
  const r = await timed(['ansible-playbook', '--version']);
  return r.stdout.split('\n')[0].trim();
}
