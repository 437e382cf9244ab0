import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { chmod, cp } from 'node:fs/promises';
import { join } from 'node:path';
import { ufw, planUfw } from '../../../src/modules/ufw.js';
import { normalizeAddress, contains } from '../../../src/modules/ufw/address.js';
import { parseUfwProbe, ufwProbeScript, type UfwState } from '../../../src/modules/ufw/probe.js';
import { ruleCommand } from '../../../src/modules/ufw/rules.js';
import { tempDir } from '../../helpers/module-harness.js';

const trees = join(process.cwd(), 'test/fixtures/probes/ufw');
const SSH = '10.77.0.1 50022 10.77.0.11 22';

// Runs the real probe script against a fixture tree written by Debian's ufw, as if connected over SSH.
function probeTree(tree: string, sshConnection = SSH): UfwState {
  const stdout = execFileSync('/bin/sh', ['-c', ufwProbeScript(join(trees, tree)).text], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, SSH_CONNECTION: sshConnection },
  });
  return parseUfwProbe(stdout);
}

const plan = (tree: string, args: Record<string, unknown>, opts: { check?: boolean; ssh?: string; state?: Partial<UfwState> } = {}) => {
  const state = probeTree(tree, opts.ssh);
  return planUfw(ufw.args.parse(args), { ...state, ...opts.state }, { check: opts.check ?? false });
};

// The rules of playbooks/i2p-node.yml: SSH, I2P outbound, the i2pd port inbound, deny incoming, enabled.
const i2pNode = {
  rules: [
    { port: 22, proto: 'tcp' },
    { direction: 'out', port: '9000:31000', proto: 'tcp', comment: 'I2P outbound' },
    { direction: 'out', port: '9000:31000', proto: 'udp', comment: 'I2P outbound' },
    { port: 24567, proto: 'tcp', comment: 'i2pd' },
    { port: 24567, proto: 'udp', comment: 'i2pd' },
  ],
  default_incoming: 'deny',
  state: 'enabled',
};

describe('reading ufw from its files (real probe on trees written by ufw 0.36.2)', () => {
  it('reads a converged node: enabled, policies, both families, decoded comments, the SSH connection', () => {
    const s = probeTree('node');
    expect({ installed: s.installed, enabled: s.enabled, ipv6: s.ipv6, incoming: s.incoming, outgoing: s.outgoing, logging: s.logging, ssh: s.ssh }).toEqual({
      installed: true,
      enabled: true,
      ipv6: true,
      incoming: 'deny',
      outgoing: 'allow',
      logging: 'low',
      ssh: { clientIp: '10.77.0.1', serverIp: '10.77.0.11', port: 22 },
    });
    expect(s.rules).toHaveLength(10);
    expect(s.rules[1]).toEqual({ action: 'allow', log: '', proto: 'tcp', dport: '9000:31000', dst: '0.0.0.0/0', sport: 'any', src: '0.0.0.0/0', dapp: '-', sapp: '-', direction: 'out', route: false, v6: false, comment: 'I2P outbound' });
    expect(s.rules[5]).toMatchObject({ v6: true, dport: '22', src: '::/0', comment: '' });
  });

  it('reads logging, interfaces, networks and a comment full of shell syntax exactly', () => {
    const s = probeTree('odd');
    expect(s.logging).toBe('medium');
    expect(s.outgoing).toBe('reject');
    expect(s.rules.find((t) => t.dport === '9999')?.comment).toBe('x; $(id) `uname` "q"');
    expect(s.rules.find((t) => t.dport === '8080')).toMatchObject({ action: 'allow', log: 'log' });
    expect(s.rules.find((t) => t.dport === '80')).toMatchObject({ direction: 'in_eth0' });
    expect(s.rules.find((t) => t.dport === '2222')).toMatchObject({ src: '10.0.0.0/8' });
  });

  it('finds SSH_CONNECTION in an ancestor when sudo has cleared the environment', () => {
    const script = ufwProbeScript(join(trees, 'fresh')).text;
    // The outer shell has the variable (like sshd's child); the probe runs under `env -i` (like sudo's env_reset).
    const stdout = execFileSync('/bin/sh', ['-c', 'env -i /bin/sh -c "$1"; :', 'outer', script], { encoding: 'utf8', env: { PATH: process.env.PATH, SSH_CONNECTION: '::ffff:10.0.0.9 40000 ::ffff:10.0.0.2 2222' } });
    expect(parseUfwProbe(stdout).ssh).toEqual({ clientIp: '10.0.0.9', serverIp: '10.0.0.2', port: 2222 });
  });

  it('notices rules files it cannot read (probe run as nobody on a copy with root-only rules)', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      await cp(join(trees, 'node'), join(dir, 'node'), { recursive: true });
      await chmod(dir, 0o755);
      await chmod(join(dir, 'node/etc/ufw/user.rules'), 0o640);
      const script = ufwProbeScript(join(dir, 'node')).text;
      const stdout = execFileSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', '/bin/sh', '-c', script], { encoding: 'utf8', env: { PATH: process.env.PATH } });
      expect(parseUfwProbe(stdout).unreadable).toBe(true);
      expect(parseUfwProbe(execFileSync('/bin/sh', ['-c', script], { encoding: 'utf8' })).unreadable).toBeUndefined();
    } finally {
      await cleanup();
    }
  });

  it('reports no SSH connection when there is none, and a missing ufw', () => {
    const stdout = execFileSync('/bin/sh', ['-c', ufwProbeScript('/nonexistent').text], { encoding: 'utf8', env: { PATH: process.env.PATH } });
    const s = parseUfwProbe(stdout);
    expect(s.ssh).toBeUndefined();
    expect(s.installed).toBe(false);
  });
});

describe('ufw plan (fixture trees → steps)', () => {
  const cases: Array<{ name: string; tree: string; args: Record<string, unknown>; ssh?: string; state?: Partial<UfwState>; check?: boolean; steps: string[]; note?: string; fail?: string }> = [
    {
      name: 'a converged node needs nothing',
      tree: 'node',
      args: i2pNode,
      steps: [],
      note: 'ufw enabled, default incoming deny, outgoing allow, 5 rules as wanted',
    },
    {
      name: 'a fresh ufw gets every rule, in order, then is enabled',
      tree: 'fresh',
      args: i2pNode,
      steps: [
        'ufw allow in proto tcp from any to any port 22',
        "ufw allow out proto tcp from any to any port 9000:31000 comment 'I2P outbound'",
        "ufw allow out proto udp from any to any port 9000:31000 comment 'I2P outbound'",
        'ufw allow in proto tcp from any to any port 24567 comment i2pd',
        'ufw allow in proto udp from any to any port 24567 comment i2pd',
        'ufw --force enable',
      ],
    },
    {
      name: 'enabling without an SSH rule adds one for the connected port first',
      tree: 'fresh',
      args: { rules: [{ direction: 'out', port: '9000:31000', proto: 'tcp' }], state: 'enabled' },
      ssh: '10.77.0.1 50022 10.77.0.11 2222',
      steps: ["ufw allow in proto tcp from any to any port 2222 comment 'SSH (kept open by provision)'", 'ufw allow out proto tcp from any to any port 9000:31000', 'ufw --force enable'],
      note: 'add rule allow in 2222/tcp first: this run is connected through it; add rule allow out 9000:31000/tcp; enable ufw',
    },
    {
      name: 'denying incoming on an enabled ufw that allowed it also keeps SSH first',
      tree: 'fresh',
      state: { enabled: true, incoming: 'allow' },
      args: { default_incoming: 'reject' },
      steps: ["ufw allow in proto tcp from any to any port 22 comment 'SSH (kept open by provision)'", 'ufw default reject incoming'],
    },
    {
      name: 'a rule allowing SSH from the client\'s network is enough: no extra rule',
      tree: 'fresh',
      args: { rules: [{ port: 22, proto: 'tcp', from: '10.77.0.0/24' }], state: 'enabled' },
      steps: ['ufw allow in proto tcp from 10.77.0.0/24 to any port 22', 'ufw --force enable'],
    },
    {
      name: 'protect_ssh: false enables without the SSH rule and says so',
      tree: 'fresh',
      args: { state: 'enabled', protect_ssh: false },
      steps: ['ufw --force enable'],
      note: 'SSH port 22/tcp will be blocked (protect_ssh: false); enable ufw',
    },
    {
      name: 'deleting the rule that allows SSH is refused',
      tree: 'node',
      args: { rules: [{ port: 22, proto: 'tcp', delete: true }] },
      steps: [],
      fail: 'refusing to remove the permission for SSH port 22/tcp, the port this run is connected through: ufw would lock it out. Keep the rule that allows it, or set protect_ssh: false if another way in is certain',
    },
    {
      name: 'a deny rule for the SSH port is refused before enabling',
      tree: 'fresh',
      args: { rules: [{ rule: 'deny', port: 22, proto: 'tcp' }], state: 'enabled' },
      steps: [],
      fail: 'refusing to enforce rules that deny SSH port 22/tcp, the port this run is connected through: ufw would lock it out. Allow the port before any rule that denies it, or set protect_ssh: false',
    },
    {
      name: 'deleting the SSH rule is fine when another rule still allows the client',
      tree: 'node',
      args: { rules: [{ port: 22, proto: 'tcp', from: '10.77.0.0/24' }, { port: 22, proto: 'tcp', delete: true }] },
      steps: ['ufw allow in proto tcp from 10.77.0.0/24 to any port 22', 'ufw delete allow in proto tcp from any to any port 22'],
    },
    {
      name: 'deleting with protect_ssh: false deletes with the action stored on the host',
      tree: 'odd',
      args: { rules: [{ rule: 'allow', port: 22, proto: 'tcp', delete: true }], protect_ssh: false },
      steps: ['ufw delete limit in proto tcp from any to any port 22'],
    },
    {
      name: 'deleting a rule that is not there needs nothing',
      tree: 'node',
      args: { rules: [{ port: 8333, proto: 'tcp', delete: true }] },
      steps: [],
      note: 'ufw enabled, default incoming deny, outgoing allow, 1 rule as wanted',
    },
    {
      name: 'another action, a dropped log flag and a new comment each update the stored rule',
      tree: 'odd',
      args: { rules: [{ rule: 'deny', port: 7070 }, { port: 8080, proto: 'tcp' }, { port: 9999, proto: 'udp', comment: 'renamed' }] },
      steps: ['ufw deny in from any to any port 7070', 'ufw allow in proto tcp from any to any port 8080', 'ufw allow in proto udp from any to any port 9999 comment renamed'],
      note: 'update rule deny in 7070 (was allow); update rule allow in 8080/tcp (was logged: log); update rule allow in 9999/udp (comment was "x; $(id) `uname` \\"q\\"")',
    },
    {
      name: 'addresses and port lists match after ufw\'s normalisation',
      tree: 'odd',
      args: {
        rules: [
          { port: 2222, proto: 'tcp', from: '10.1.2.3/8' },
          { port: '443,80', proto: 'tcp' },
          { port: 443, proto: 'tcp', from: '2001:db8:0:0::/32' },
          { rule: 'deny', from: '203.0.113.0/255.255.255.0' },
        ],
      },
      steps: [],
    },
    {
      name: 'with IPv6 off, only the IPv4 rule is expected',
      tree: 'ipv6off',
      args: { rules: [{ port: 22, proto: 'tcp' }] },
      steps: [],
    },
    {
      name: 'enabled in ufw.conf but not loaded: enable again',
      tree: 'node',
      args: { state: 'enabled' },
      state: { loaded: false },
      steps: ['ufw --force enable'],
      note: 'load ufw (ENABLED=yes in ufw.conf, but its chains are not loaded)',
    },
    {
      name: 'policies and logging change only where they differ ("on" is "low")',
      tree: 'odd',
      args: { default_incoming: 'deny', default_outgoing: 'allow', logging: 'on' },
      steps: ['ufw default allow outgoing', 'ufw logging low'],
      note: 'default outgoing reject → allow; logging medium → low',
    },
    {
      name: 'disabling goes first',
      tree: 'node',
      args: { state: 'disabled', rules: [{ port: 8333, proto: 'tcp' }] },
      steps: ['ufw disable', 'ufw allow in proto tcp from any to any port 8333'],
    },
    { name: 'ufw missing fails a real run', tree: 'missing', args: i2pNode, steps: [], fail: 'ufw is not installed on this host: install it first (apt: name: ufw)' },
    {
      name: 'ufw missing in check mode plans against a fresh ufw and says why',
      tree: 'missing',
      args: { rules: [{ port: 22, proto: 'tcp' }], state: 'enabled' },
      check: true,
      steps: ['ufw allow in proto tcp from any to any port 22', 'ufw --force enable'],
      note: 'ufw is not installed yet (an earlier task may install it); add rule allow in 22/tcp; enable ufw',
    },
    {
      name: 'not connected over SSH: nothing to guard',
      tree: 'fresh',
      args: { state: 'enabled' },
      ssh: '',
      steps: ['ufw --force enable'],
      note: 'enable ufw',
    },
  ];
  it.each(cases)('$name', ({ tree, args, ssh, state, check, steps, note, fail }) => {
    const p = plan(tree, args, { ssh: ssh ?? SSH, state, check });
    expect(p.fail).toBe(fail);
    expect(p.steps.map((s) => s.script.text)).toEqual(steps);
    if (note !== undefined) expect(p.note).toBe(note);
  });

  it('refuses to plan from rules files it cannot read (not root)', () => {
    expect(plan('node', i2pNode, { state: { unreadable: true } }).fail).toBe('cannot read /etc/ufw/user.rules: reading and changing ufw needs root (become: true)');
  });

  it('registers what it added and whether ufw ends up enabled', () => {
    expect(plan('fresh', { rules: [{ port: 8333, proto: 'tcp' }], state: 'enabled' }).result).toEqual({
      enabled: true,
      added: ['allow in 22/tcp', 'allow in 8333/tcp'],
      deleted: [],
      ssh_port: 22,
    });
  });
});

describe('ufw arguments', () => {
  it.each([
    [{ rules: [{ port: '9000:31000' }] }, 'port "9000:31000" is a range or list: ufw needs proto tcp or udp for it (write one rule for each)'],
    [{ rules: [{ port: '80,443' }] }, 'port "80,443" is a range or list: ufw needs proto tcp or udp for it (write one rule for each)'],
    [{ rules: [{ port: '31000:9000', proto: 'tcp' }] }, 'ports are 1-65535, and a range goes from low to high'],
    [{ rules: [{ port: 'ssh' }] }, 'a port, a range like "9000:31000", or a list like "80,443"'],
    [{ rules: [{ port: 22, comment: "it's SSH" }] }, 'ufw refuses a comment containing \' (its parser has no way to store it): use ’ or " instead'],
    [{ rules: [{ from: '10.0.0.1', to: '::1' }] }, 'from and to must both be IPv4 or both IPv6'],
    [{ rules: [{ from: '10.0.0.300' }] }, 'an IPv4 or IPv6 address or network (CIDR), or "any"'],
    [{ rules: [{ from: '10.0.0.1; reboot' }] }, 'an IPv4 or IPv6 address or network (CIDR), or "any"'],
    [{ rules: [{ prot: 'tcp' }] }, 'Unrecognized key: "prot"'],
  ])('refuses %j', (args, message) => {
    expect(ufw.args.safeParse(args).error!.issues[0].message).toBe(message);
  });
});

describe('ufw values in shell text', () => {
  it('passes a comment full of shell syntax to ufw as one literal argument', () => {
    const comment = 'a; $(touch /tmp/pwned) `id` "q"\nsecond line';
    const script = ruleCommand({ rule: 'allow', direction: 'in', port: '22', proto: 'tcp', from: 'any', to: 'any', comment, delete: false }).text;
    expect(script).toBe(`ufw allow in proto tcp from any to any port 22 comment 'a; $(touch /tmp/pwned) \`id\` "q"\nsecond line'`);
    // A stand-in ufw that prints its arguments shows what the real one would receive.
    const argv = execFileSync('/bin/sh', ['-c', `ufw() { printf '%s|' "$@"; }\n${script}`], { encoding: 'utf8' });
    expect(argv).toBe(`allow|in|proto|tcp|from|any|to|any|port|22|comment|${comment}|`);
  });
});

describe('addresses as ufw stores them', () => {
  it.each([
    ['10.1.2.3/8', false, '10.0.0.0/8'],
    ['10.1.2.3/32', false, '10.1.2.3'],
    ['192.168.1.7/255.255.255.0', false, '192.168.1.0/24'],
    ['any', false, '0.0.0.0/0'],
    ['any', true, '::/0'],
    ['2001:DB8:0:0::1/128', true, '2001:db8::1'],
    ['2001:db8:0::/32', true, '2001:db8::/32'],
  ])('%s (v6 %s) → %s', (addr, v6, stored) => {
    expect(normalizeAddress(addr, v6)).toBe(stored);
  });

  it('knows which networks contain an address', () => {
    expect(contains('10.0.0.0/8', '10.77.0.1')).toBe(true);
    expect(contains('10.77.0.0/24', '10.78.0.1')).toBe(false);
    expect(contains('::/0', '::1')).toBe(true);
    expect(contains('2001:db8::/32', '2001:db9::1')).toBe(false);
    expect(contains('0.0.0.0/0', '::1')).toBe(false);
  });
});
