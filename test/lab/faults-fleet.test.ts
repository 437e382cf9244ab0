// Faults across a fleet, tried on purpose on a private 20-host chroot lab: Ctrl-C and SIGTERM mid-run, a host that
// stops answering (at connect, and in the middle of a command), and one host failing every task under serial and
// max_fail_percentage. Checked from what the operator sees and from inside the hosts (lab exec).
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { findHost } from '../../src/lab/index.js';
import { initPid } from '../../src/lab/boot.js';
import { cli, faultsLab, hostLine, recap, startCli, taskResults, waitUntil, type FaultsLab } from './faults-helpers.js';
import { describeLab } from './shared-lab.js';

describeLab('faults across 20 hosts (private chroot lab)', () => {
  let lab: FaultsLab;
  let names: string[];
  let inventory: string;
  const onAll = (script: string) => Promise.all(names.map((h) => lab.sh(h, script)));

  beforeAll(async () => {
    lab = await faultsLab('faultsf', 20);
    names = lab.hosts.map((h) => h.name);
    inventory = lab.writeInventory('inv.yml');
  }, 120_000);

  afterAll(async () => {
    await lab?.down();
  }, 60_000);

  const slowPlay = (seconds: number) =>
    lab.playbook(
      `slow-${seconds}.yml`,
      `- name: Slow
  hosts: all
  gather_facts: false
  tasks:
    - name: quick
      shell: echo quick > /tmp/faults-quick
    - name: slow
      shell: sleep ${seconds}; echo slow > /tmp/faults-slow
    - name: never
      shell: echo never > /tmp/faults-never
`,
    );
  const markers = async () => (await onAll('cat /tmp/faults-quick /tmp/faults-slow /tmp/faults-never 2>/dev/null | tr "\\n" " "')).map((r) => r.stdout.trim());
  const cleanMarkers = () => onAll('rm -f /tmp/faults-quick /tmp/faults-slow /tmp/faults-never');

  it('5a. Ctrl-C mid-run: the running commands finish, no new task starts, the recap is printed, exit 130; a rerun converges', async () => {
    await cleanMarkers();
    const r = startCli(['run', slowPlay(3), '-i', inventory]);
    await waitUntil('TASK [slow]', () => r.output().includes('TASK [slow]'));
    r.child.kill('SIGINT');
    const { code, out } = await r.done;

    expect(code).toBe(130);
    expect(out).toContain('SIGINT: finishing the commands in flight, starting nothing new (again to kill them)');
    expect(out).not.toContain('TASK [never]');
    expect(out).not.toContain('MaxListenersExceededWarning');
    const slow = taskResults(out).find((t) => t.task === 'slow')!;
    expect(Object.values(slow.hosts).filter((s) => s === 'changed')).toHaveLength(20);
    expect(Object.keys(recap(out)).sort()).toEqual([...names].sort());
    expect(out).toMatch(/\nINTERRUPTED: stopped before the end; run again to converge\. \(\d+\.\d s\)\n$/);
    expect(new Set(await markers())).toEqual(new Set(['quick slow']));

    const again = await cli('run', slowPlay(3), '-i', inventory);
    expect(again.code).toBe(0);
    expect(new Set(await markers())).toEqual(new Set(['quick slow never']));
  }, 60_000);

  it('5b. SIGTERM twice mid-run: the remote commands are killed within seconds, the recap is printed, exit 130; a rerun converges', async () => {
    await cleanMarkers();
    const r = startCli(['run', slowPlay(60), '-i', inventory]);
    await waitUntil('sleep 60 on every host', async () => (await onAll('pgrep -fx "sleep 60"')).every((x) => x.code === 0));
    r.child.kill('SIGTERM');
    await waitUntil('the first SIGTERM to be acknowledged', () => r.output().includes('SIGTERM: finishing the commands in flight'));
    r.child.kill('SIGTERM');
    const signalled = Date.now();
    const { code, out } = await r.done;

    expect(code).toBe(130);
    // Kill: SIGTERM to the command's process group, SIGKILL 1 s later, the channel closed 3 s after that at worst;
    // measured against the 60 s the commands would have run (a bound in the test's own scale, not the machine's).
    expect(Date.now() - signalled).toBeLessThan(60_000 / 4);
    expect(out).not.toContain('TASK [never]');
    for (const h of names) expect(hostLine(out, 'slow', h)).toBe(`failed: [${h}] run sleep 60; echo slow > /tmp/faults-slow: killed by SIGTERM`);
    expect(out).toContain('INTERRUPTED: stopped before the end; run again to converge.');
    expect((await onAll('pgrep -fx "sleep 60" || echo gone')).map((x) => x.stdout.trim())).toEqual(names.map(() => 'gone'));
    expect(new Set(await markers())).toEqual(new Set(['quick']));

    const again = await cli('run', slowPlay(1), '-i', inventory);
    expect(again.code).toBe(0);
    expect(new Set(await markers())).toEqual(new Set(['quick slow never']));
    await cleanMarkers();
  }, 60_000);

  it('6a. a host whose sshd is frozen: the connect timeout (inventory connect_timeout or -T) is enforced, it is unreachable, the rest run', async () => {
    const frozen = names[19];
    const pid = await initPid(await findHost(lab.name, frozen));
    const address = lab.hosts[19].address;
    const play = lab.playbook(
      'hello.yml',
      `- name: Hello
  hosts: all
  gather_facts: false
  tasks:
    - name: hello
      command: echo hello
`,
    );
    process.kill(pid!, 'SIGSTOP');
    try {
      const byCli = await cli('run', play, '-i', inventory, '-T', '1');
      expect(byCli.code).toBe(4);
      expect(hostLine(byCli.out, 'hello', frozen)).toBe(
        `unreachable: [${frozen}] timed out after 1 s connecting to ${address}:22\n` +
          '      fix: check the address, the port and firewalls; a slow host needs a longer connect_timeout',
      );
      expect(Object.values(taskResults(byCli.out)[0].hosts).filter((s) => s === 'changed')).toHaveLength(19);
      // 4 attempts (a stalled handshake is retried 3 times) of 1 s, with backoff between them: bounded, not hung (a
      // hang would run into the test's own timeout).

      // Without -T the host's own connect_timeout applies (the default is 10 s).
      const slowInventory = lab.writeInventory('inv-slow.yml', { [frozen]: ['connect_timeout: 1.5'] });
      const byInventory = await cli('run', play, '-i', slowInventory, '-l', frozen);
      expect(byInventory.code).toBe(4);
      expect(hostLine(byInventory.out, 'hello', frozen)).toContain(`unreachable: [${frozen}] timed out after 1.5 s connecting to ${address}:22`);
      // Each of the 4 attempts waited the host's own 1.5 s, more than -T 1 gave the run before.
      expect(byInventory.ms).toBeGreaterThan(4 * 1500);
      expect(byInventory.ms).toBeGreaterThan(byCli.ms);
    } finally {
      process.kill(pid!, 'SIGCONT');
    }
    expect((await cli('run', play, '-i', inventory, '-l', frozen)).code).toBe(0);
  }, 90_000);

  it('6b. --command-timeout: a command that hangs, or a session that freezes mid-command, fails within the bound instead of hanging', async () => {
    const [a, b] = names;
    const play = lab.playbook(
      'hang.yml',
      `- name: Hang
  hosts: ${a}:${b}
  gather_facts: false
  tasks:
    - name: hang
      shell: sleep 2; if [ -e /tmp/faults-hang ]; then sleep 300; fi; echo done
`,
    );
    try {
      await lab.sh(a, 'touch /tmp/faults-hang');
      // b's session process freezes while its command runs: no output, no exit status, no way to kill it remotely.
      const freeze = lab.sh(b, 'for i in $(seq 500); do pgrep -fx "sleep 2" >/dev/null && break; sleep 0.02; done; pkill -STOP -P 1 -x sshd && echo frozen');
      const { code, out, ms } = await cli('run', play, '-i', inventory, '--command-timeout', '4');
      expect((await freeze).stdout).toBe('frozen\n');
      expect(code).toBe(2);
      expect(hostLine(out, 'hang', a)).toBe(
        `failed: [${a}] run sleep 2; if [ -e /tmp/faults-hang ]; then sleep 300; fi; echo done: timed out\n    provision: no answer within the command timeout of 4 s (--command-timeout)`,
      );
      expect(hostLine(out, 'hang', b)).toBe(
        `failed: [${b}] run sleep 2; if [ -e /tmp/faults-hang ]; then sleep 300; fi; echo done: timed out\n    provision: no answer within the command timeout of 4 s (--command-timeout)`,
      );
      // 4 s, then the kill (1 s grace), the close (3 s grace) and dropping b's socket (1 s): bounded, where waiting
      // on the frozen session would take until the keepalives give up (a minute or more): well under that minute.
      expect(ms).toBeLessThan(60_000 / 2);
      expect((await lab.sh(a, 'pgrep -fx "sleep 300" || echo gone')).stdout.trim()).toBe('gone');
    } finally {
      await lab.sh(b, 'pkill -CONT -P 1 -x sshd; true');
      await lab.sh(a, 'rm -f /tmp/faults-hang');
    }
  }, 60_000);

  it('7. one host failing every task: serial 5 with max_fail_percentage 10 stops after the first batch; with 25 every batch runs', async () => {
    const broken = names[2];
    const play = (pct: number) =>
      lab.playbook(
        `serial-${pct}.yml`,
        `- name: Rolling
  hosts: all
  gather_facts: false
  serial: 5
  max_fail_percentage: ${pct}
  tasks:
    - name: one
      shell: test ! -e /etc/faults-broken
    - name: two
      shell: test ! -e /etc/faults-broken
`,
      );
    const ran = (out: string) => taskResults(out).map((t) => ({ task: t.task, hosts: t.hosts }));
    const batch = (i: number) => names.slice(i * 5, i * 5 + 5);
    const statuses = (hosts: string[], status: string) => Object.fromEntries(hosts.map((h) => [h, h === broken ? 'failed' : status]));
    try {
      await lab.sh(broken, 'touch /etc/faults-broken');
      const strict = await cli('run', play(10), '-i', inventory);
      expect(strict.code).toBe(2);
      expect(ran(strict.out)).toEqual([{ task: 'one', hosts: statuses(batch(0), 'changed') }]);
      expect(strict.out).toContain(`BATCH 1/4: ${batch(0).join(', ')}`);
      expect(strict.out).not.toContain('BATCH 2/4');
      expect(strict.out).toContain('PLAY ABORTED: max_fail_percentage 10% exceeded: 1 of 5 hosts failed');
      expect(Object.keys(recap(strict.out))).toEqual(batch(0));

      const lenient = await cli('run', play(25), '-i', inventory);
      expect(lenient.code).toBe(2);
      const expected = [0, 1, 2, 3].flatMap((i) => [
        { task: 'one', hosts: statuses(batch(i), 'changed') },
        { task: 'two', hosts: Object.fromEntries(batch(i).filter((h) => h !== broken).map((h) => [h, 'changed'])) },
      ]);
      expect(ran(lenient.out)).toEqual(expected);
      expect(lenient.out).not.toContain('PLAY ABORTED');
      expect(recap(lenient.out)[broken]).toMatchObject({ ok: 0, changed: 0, failed: 1 });
      expect(Object.keys(recap(lenient.out))).toHaveLength(20);
    } finally {
      await lab.sh(broken, 'rm -f /etc/faults-broken');
    }
  }, 90_000);
});
