// Waiting until hosts are usable: sshd answers, systemd finished booting, and a real key login works.
import { connect } from 'node:net';
import { ProvisionError } from '../errors.js';
import { initPid } from './boot.js';
import { nsenterArgv } from './exec.js';
import { checkAborted, run } from './run.js';
import type { HostState, LabMode } from './state.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves once `address:22` sends an SSH banner; false at the deadline. */
export async function waitForSshBanner(address: string, deadline: number, signal?: AbortSignal): Promise<boolean> {
  while (Date.now() < deadline) {
    checkAborted(signal);
    if (await banner(address)) return true;
    await sleep(100);
  }
  return false;
}

function banner(address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host: address, port: 22, timeout: 1000 });
    const done = (ok: boolean) => (sock.destroy(), resolve(ok));
    sock.once('data', (d) => done(d.toString('latin1').startsWith('SSH-')));
    sock.once('error', () => done(false));
    sock.once('timeout', () => done(false));
  });
}

/** Waits for `systemctl is-system-running` to say running or degraded; returns what it said last. */
export async function waitForSystemd(host: HostState, deadline: number, signal?: AbortSignal): Promise<string> {
  let said = 'not started';
  while (Date.now() < deadline) {
    checkAborted(signal);
    const pid = await initPid(host);
    if (pid) {
      const left = Math.max(1000, deadline - Date.now());
      const r = await run(nsenterArgv(pid, ['systemctl', 'is-system-running', '--wait']), { timeoutMs: left, signal, env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' } });
      said = r.stdout.trim() || r.stderr.trim() || said;
      if (said === 'running' || said === 'degraded') return said;
    }
    await sleep(200);
  }
  return said;
}

/** ssh options that make a login strict (known host key only) and non-interactive. */
export function sshOptions(keyFile: string, knownHostsFile: string): string[] {
  return [
    '-i', keyFile, '-o', 'IdentitiesOnly=yes', '-o', 'IdentityAgent=none', '-o', 'StrictHostKeyChecking=yes',
    '-o', `UserKnownHostsFile=${knownHostsFile}`, '-o', 'GlobalKnownHostsFile=/dev/null', '-o', 'BatchMode=yes',
    '-o', 'ConnectTimeout=5', '-o', 'LogLevel=ERROR',
  ];
}

/** Waits until a host is fully usable in its mode; throws a ProvisionError naming the host and what was missing. */
export async function waitForHost(lab: string, mode: LabMode, host: HostState, keyFile: string, knownHosts: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const fail = (what: string) =>
    new ProvisionError({ what: `lab ${lab}: host ${host.name} ${what} within ${Math.round(timeoutMs / 1000)} s`, fix: `see ${host.dir}/console.log`, code: 'lab-host-timeout' });
  if (!(await waitForSshBanner(host.address, deadline, signal))) throw fail(`(${host.address}) did not answer on port 22`);
  if (mode === 'systemd') {
    const said = await waitForSystemd(host, deadline, signal);
    if (said !== 'running' && said !== 'degraded') throw fail(`did not finish booting (systemctl is-system-running: ${said})`);
  }
  let last = '';
  while (Date.now() < deadline) {
    checkAborted(signal);
    const r = await run(['ssh', ...sshOptions(keyFile, knownHosts), `root@${host.address}`, 'true']);
    if (r.code === 0) return;
    last = r.stderr.trim();
    await sleep(200);
  }
  throw fail(`refused the lab key over SSH (${last})`);
}
