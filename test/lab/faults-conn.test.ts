// Faults on the way to a host, tried on purpose on a private 3-host chroot lab: sshd dying mid-run, the connection
// dropping in the middle of a file write, the dpkg lock held by someone else, and ufw on a host whose sshd was
// moved to port 2222. Each test checks what the operator sees (lines, recap, exit code) and the host itself (lab
// exec, no SSH).
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../src/lab/run.js';
import { cli, faultsLab, hostLine, recap, startCli, taskResults, waitUntil, type FaultsLab } from './faults-helpers.js';
import { describeLab, sshArgv } from './shared-lab.js';

describeLab('faults on the connection (private chroot lab)', () => {
  let lab: FaultsLab;
  let h1: string, h2: string, h3: string;

  beforeAll(async () => {
    lab = await faultsLab('faultsc', 3);
    [h1, h2, h3] = lab.hosts.map((h) => h.name);
  }, 120_000);

  afterAll(async () => {
    await lab?.down();
  }, 60_000);

  it('1. sshd dies on one host mid-run: it is reported unreachable at its task, the others finish, exit 4; a rerun converges it', async () => {
    // A second sshd on port 2200 on h2 is the one the run uses and the one that dies (PID 1 stays, so the host lives).
    const start2200 = () => lab.sh(h2, '/usr/sbin/sshd -p 2200 -o PidFile=/run/sshd-2200.pid');
    expect((await start2200()).code).toBe(0);
    const inventory = lab.writeInventory('inv-2200.yml', { [h2]: ['port: 2200'] });
    const playbook = lab.playbook(
      'sshd-dies.yml',
      `- name: Three steps
  hosts: all
  gather_facts: false
  tasks:
    - name: before
      shell: echo before > /tmp/faults-before
    - name: slow
      shell: sleep 3
    - name: after
      copy:
        dest: /tmp/faults-after
        content: "after\\n"
`,
    );
    try {
      const r = startCli(['run', playbook, '-i', inventory]);
      await waitUntil('the slow task on h2', async () => (await lab.sh(h2, 'pgrep -fx "sleep 3"')).code === 0);
      const kill = await lab.sh(h2, 'L=$(cat /run/sshd-2200.pid); pkill -KILL -P "$L"; kill -KILL "$L"');
      expect(kill.code).toBe(0);
      const { code, out } = await r.done;

      expect(code).toBe(4);
      const h2Address = lab.hosts[1].address;
      expect(hostLine(out, 'slow', h2)).toBe(
        `unreachable: [${h2}] connection to ${h2Address}:2200 lost while running a command\n` +
          '      fix: check that the host is up and sshd is running (a task that reboots the host also ends the connection)',
      );
      const tasks = taskResults(out);
      expect(tasks.map((t) => t.task)).toEqual(['before', 'slow', 'after']);
      expect(tasks[1].hosts).toEqual({ [h1]: 'changed', [h2]: 'unreachable', [h3]: 'changed' });
      expect(tasks[2].hosts).toEqual({ [h1]: 'changed', [h3]: 'changed' });
      expect(recap(out)[h2]).toMatchObject({ ok: 1, changed: 1, unreachable: 1, failed: 0 });
      expect(recap(out)[h1]).toMatchObject({ ok: 3, changed: 3, unreachable: 0, failed: 0 });
      expect(out).toContain('1 host unreachable; 3 hosts changed.');
      expect((await lab.sh(h2, 'cat /tmp/faults-after')).code).not.toBe(0);
      expect((await lab.sh(h1, 'cat /tmp/faults-after')).stdout).toBe('after\n');

      expect((await start2200()).code).toBe(0);
      const again = await cli('run', playbook, '-i', inventory);
      expect(again.code).toBe(0);
      expect(recap(again.out)[h2]).toMatchObject({ ok: 3, unreachable: 0, failed: 0 });
      expect((await lab.sh(h2, 'cat /tmp/faults-after')).stdout).toBe('after\n');
    } finally {
      await lab.sh(h2, 'L=$(cat /run/sshd-2200.pid 2>/dev/null) && { pkill -KILL -P "$L"; kill -KILL "$L"; }; rm -f /tmp/faults-before /tmp/faults-after /run/sshd-2200.pid');
      for (const h of [h1, h3]) await lab.sh(h, 'rm -f /tmp/faults-before /tmp/faults-after');
    }
  }, 90_000);

  it('2. the connection drops in the middle of a copy: the old file stays intact; the next run writes it and leaves no temp file', async () => {
    const src = join(lab.dir, 'big.bin');
    const size = 32 << 20;
    const data = Buffer.alloc(size);
    for (let i = 0; i < size; i += 4) data.writeUInt32LE((i * 2654435761) >>> 0, i);
    writeFileSync(src, data);
    const inventory = lab.writeInventory('inv.yml');
    const playbook = lab.playbook(
      'copy-big.yml',
      `- name: A large file
  hosts: ${h1}
  gather_facts: false
  tasks:
    - name: big file
      copy:
        src: ${src}
        dest: /root/data.bin
        mode: "0600"
`,
    );
    try {
      await lab.sh(h1, 'printf old > /root/data.bin');
      // Waits on the host for the temp file to grow, then kills every SSH session (children of the listener, PID 1).
      const watcher = lab.sh(
        h1,
        'for i in $(seq 400); do s=$(stat -c %s /root/.data.bin.provision-* 2>/dev/null | head -1); [ "${s:-0}" -gt 4000000 ] && break; sleep 0.02; done; pkill -KILL -P 1 -x sshd; echo "cut at ${s:-0}"',
      );
      const r = await cli('run', playbook, '-i', inventory);
      const cut = (await watcher).stdout.trim();
      expect(cut).toMatch(/^cut at \d+$/);
      expect(Number(cut.split(' ')[2])).toBeGreaterThan(4_000_000);

      expect(r.code).toBe(4);
      expect(hostLine(r.out, 'big file', h1)).toMatch(new RegExp(`^unreachable: \\[${h1}\\] connection to [\\d.]+:22 lost while running a command`));
      expect((await lab.sh(h1, 'cat /root/data.bin')).stdout).toBe('old');
      // The write's shell may outlive its session for a moment; it must remove its temp file itself.
      await waitUntil('the temp file to go', async () => (await lab.sh(h1, 'ls -A /root')).stdout.trim().split('\n').every((f) => !f.includes('provision-')), 10_000);

      const again = await cli('run', playbook, '-i', inventory);
      expect(again.code).toBe(0);
      expect(hostLine(again.out, 'big file', h1)).toBe(`changed: [${h1}] update the content of /root/data.bin`);
      const sum = await lab.sh(h1, 'sha256sum /root/data.bin; stat -c %a /root/data.bin; ls -A /root');
      const { createHash } = await import('node:crypto');
      expect(sum.stdout).toBe(`${createHash('sha256').update(data).digest('hex')}  /root/data.bin\n600\n.bashrc\n.profile\n.ssh\ndata.bin\n`);
    } finally {
      await lab.sh(h1, 'rm -f /root/data.bin /root/.data.bin.provision-*');
    }
  }, 90_000);

  it('3. the dpkg lock is held by another process: apt waits lock_timeout seconds, then fails naming the holder; dpkg stays consistent', async () => {
    expect((await lab.sh(h3, 'apt-get update -q', 60_000)).code).toBe(0);
    const holder = await lab.sh(
      h3,
      `setsid -f python3 -c 'import fcntl, time; f = open("/var/lib/dpkg/lock-frontend", "w"); fcntl.lockf(f, fcntl.LOCK_EX); time.sleep(60)' </dev/null >/dev/null 2>&1
for i in $(seq 100); do p=$(pgrep -x python3) && break; sleep 0.05; done; sleep 0.3; echo $p`,
    );
    const pid = holder.stdout.trim();
    const inventory = lab.writeInventory('inv.yml');
    const playbook = (timeout: string) =>
      lab.playbook(
        'apt-locked.yml',
        `- name: A package while dpkg is busy
  hosts: ${h3}
  gather_facts: false
  tasks:
    - name: netcat
      apt:
        name: netcat-openbsd
${timeout}`,
      );
    try {
      expect(pid).toMatch(/^\d+$/);
      const r = await cli('run', playbook('        lock_timeout: 3\n'), '-i', inventory);
      expect(r.code).toBe(2);
      const line = hostLine(r.out, 'netcat', h3)!;
      expect(line).toContain(`failed: [${h3}] install netcat-openbsd: exit code 100`);
      expect(line).toContain('E: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), is another process using it?');
      expect(line).toContain(`provision: /var/lib/dpkg/lock-frontend is held by process ${pid} (python3 -c import fcntl, time;`);
      // Bounded: it waited the 3 s it was given, and not much more.
      expect(r.ms).toBeGreaterThan(3000);
      expect(r.ms).toBeLessThan(15_000);
      expect((await lab.sh(h3, "dpkg --audit; dpkg-query -W -f='\${Status}' netcat-openbsd 2>&1")).stdout.trim()).toMatch(/^(dpkg-query: no packages found matching netcat-openbsd|unknown ok not-installed|deinstall ok config-files)$/);

      await lab.sh(h3, `kill ${pid}`);
      const again = await cli('run', playbook(''), '-i', inventory);
      expect(again.code).toBe(0);
      expect((await lab.sh(h3, "dpkg --audit; dpkg-query -W -f='\${Status}' netcat-openbsd 2>&1")).stdout.trim()).toBe('install ok installed');
    } finally {
      await lab.sh(h3, `pkill -x python3; DEBIAN_FRONTEND=noninteractive apt-get purge -y -q netcat-openbsd >/dev/null 2>&1; true`, 60_000);
    }
  }, 90_000);

  it('8. never locked out: ufw with default deny keeps sshd on port 2222 reachable; removing its rule is refused unless protect_ssh: false', async () => {
    const address = lab.hosts[2].address;
    const ssh = (port: number) => run([...sshArgv(lab, address, 'hostname').slice(0, -2), '-o', 'ConnectTimeout=3', '-p', String(port), `root@${address}`, 'hostname'], { timeoutMs: 15_000 });
    const inventory = lab.writeInventory('inv-2222.yml', { [h3]: ['port: 2222'] });
    const ufwPlay = (name: string, body: string) =>
      lab.playbook(
        `${name}.yml`,
        `- name: Firewall
  hosts: ${h3}
  gather_facts: false
  tasks:
    - name: ${name}
      ufw:
${body}`,
      );
    try {
      expect((await lab.sh(h3, 'apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q ufw', 60_000)).code).toBe(0);
      // sshd (the host's PID 1) moves to 2222 only: SIGHUP makes it re-read its config in place.
      await lab.sh(h3, 'echo "Port 2222" > /etc/ssh/sshd_config.d/faults-port.conf; kill -HUP 1');
      await waitUntil('sshd on 2222', async () => (await ssh(2222)).stdout.trim() === h3);
      expect((await ssh(22)).code).not.toBe(0);

      const enable = await cli('run', ufwPlay('enable', '        default_incoming: deny\n        state: enabled\n        rules:\n          - { port: 8333, proto: tcp }\n'), '-i', inventory);
      expect(enable.code).toBe(0);
      expect(hostLine(enable.out, 'enable', h3)).toBe(
        `changed: [${h3}] add rule allow in 2222/tcp first: this run is connected through it; add rule allow in 8333/tcp; enable ufw`,
      );
      // From outside, a new connection: 2222 still answers; the firewall is really on (ufw's status, and 8333 is the only other rule).
      expect((await ssh(2222)).stdout.trim()).toBe(h3);
      const status = (await lab.sh(h3, 'ufw status')).stdout;
      expect(status).toContain('Status: active');
      expect(status).toMatch(/^2222\/tcp\s+ALLOW\s+Anywhere\s+# SSH \(kept open by provision\)$/m);

      const remove = await cli('run', ufwPlay('remove', '        rules:\n          - { port: 2222, proto: tcp, delete: true }\n'), '-i', inventory);
      expect(remove.code).toBe(2);
      expect(hostLine(remove.out, 'remove', h3)).toBe(
        `failed: [${h3}] refusing to remove the permission for SSH port 2222/tcp, the port this run is connected through: ufw would lock it out. Keep the rule that allows it, or set protect_ssh: false if another way in is certain`,
      );
      const deny = await cli('run', ufwPlay('deny', '        rules:\n          - { rule: deny, port: 2222, proto: tcp }\n'), '-i', inventory);
      expect(deny.code).toBe(2);
      // deny 2222/tcp would replace the allow rule ufw has for that port: the same refusal.
      expect(hostLine(deny.out, 'deny', h3)).toContain(`failed: [${h3}] refusing to remove the permission for SSH port 2222/tcp`);
      expect((await lab.sh(h3, 'ufw status')).stdout).toBe(status);
      expect((await ssh(2222)).stdout.trim()).toBe(h3);

      // The documented override does what it says: the rule goes, and with it any new SSH connection.
      const forced = await cli('run', ufwPlay('forced', '        protect_ssh: false\n        rules:\n          - { port: 2222, proto: tcp, delete: true }\n'), '-i', inventory);
      expect(forced.code).toBe(0);
      expect(hostLine(forced.out, 'forced', h3)).toBe(`changed: [${h3}] SSH port 2222/tcp will be blocked (protect_ssh: false); delete rule allow in 2222/tcp`);
      expect((await ssh(2222)).code).not.toBe(0);
    } finally {
      await lab.sh(h3, 'ufw --force reset >/dev/null; rm -f /etc/ssh/sshd_config.d/faults-port.conf; kill -HUP 1; sleep 0.3; DEBIAN_FRONTEND=noninteractive apt-get purge -y -q ufw >/dev/null 2>&1; true', 60_000);
      expect((await ssh(22)).stdout.trim()).toBe(h3);
    }
  }, 120_000);
});
