// docs/i2p-node.md, the operator's guide, against the project: every example in it is checked here, so the guide
// and the templates, the playbook and real hosts cannot drift apart.
//
// How the guide marks its examples (details in test/unit/docs/guide-blocks.ts): each fenced block has an info string.
//   ```ini i2pd.conf / ini bitcoin.conf / ini bitcoind.service   an excerpt of that template rendered with the
//       playbook's defaults (its play `defaults:`), or with the variables of the ```yaml vars block right before it
//       laid over them; the excerpt's lines must appear in one piece in the rendered file.
//   ```yaml vars   inventory variables: each must be one the project documents (a template header or the play's
//       defaults), and both templates rendered with them must pass the same checks the playbook runs before writing.
//   ```yaml playbooks/i2p-node.yml   an excerpt that appears in the playbook as it is.
//   ```sh provision   provision commands on the control machine (`provision` is this checkout's CLI, the fleet
//       inventory is one written here), run in the order of the guide;
//   ```sh lab         commands run as root, in order, on one shared-lab host the playbook converged (the first
//       `sh provision` block converges it), each compared with the output the guide shows.
// The first part needs nothing; the second needs the shared lab (describeLab skips it, saying why, without one). It
// converges the lab's first host itself with Bitcoin Core's stand-in release (test/standin/), served from the lab
// bridge like test/lab/i2p-node.test.ts does, so it does not depend on that file having run first. The shared lab is
// a plain one (not --i2p): its routers find no other routers, which is exactly the "tunnels not built yet" state the
// troubleshooting section shows.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { AddressInfo } from 'node:net';
import { parse } from 'yaml';
import { checkBitcoinConf } from '../../collections/bitcoin_i2p/bitcoin/check.js';
import { stableRpcAuth } from '../../collections/bitcoin_i2p/bitcoin/rpcauth.js';
import { checkI2pdConf } from '../../collections/bitcoin_i2p/i2pd/check.js';
import { labExec, labStatus } from '../../src/lab/index.js';
import '../../src/modules/index.js';
import { ufw } from '../../src/modules/ufw.js';
import { loadPlaybook } from '../../src/playbook/load.js';
import { render } from '../../src/template/render.js';
import { makeStandinTarball } from '../standin/make-tarball.js';
import { fencedBlocks, matches, normalize, shellSteps, type Block, type ShellStep } from '../unit/docs/guide-blocks.js';
import { describeLab, sharedLab } from './shared-lab.js';

const run = promisify(execFile);
const GUIDE = 'docs/i2p-node.md';
const blocks = fencedBlocks(readFileSync(GUIDE, 'utf8'));
const TEMPLATES = { 'i2pd.conf': 'templates/i2pd.conf.hbs', 'bitcoin.conf': 'templates/bitcoin.conf.hbs', 'bitcoind.service': 'templates/bitcoind.service.hbs' };
type TemplateName = keyof typeof TEMPLATES;
// What the playbook adds to its defaults before rendering: a port (stable_port's job) and the rpcauth line.
const RENDER_EXTRAS = { i2pd_port: 24376, bitcoin_rpcauth: stableRpcAuth('provision', 'a password kept on the control machine').line };

const at = (b: Block | ShellStep) => `${GUIDE}:${b.line}`;
const readTemplate = (name: TemplateName) => readFileSync(TEMPLATES[name], 'utf8');

/** The guide's config excerpts, each with the variables it is rendered with (the `yaml vars` block just before it). */
function excerpts(): { block: Block; template: TemplateName; vars: Record<string, unknown> }[] {
  return blocks.flatMap((block, i) => {
    const m = /^ini (.+)$/.exec(block.info);
    if (!m) return [];
    const before = blocks[i - 1];
    const vars = before?.info === 'yaml vars' ? (parse(before.body.join('\n')) as Record<string, unknown>) : {};
    return [{ block, template: m[1] as TemplateName, vars }];
  });
}

describe(`the configuration excerpts of ${GUIDE}`, () => {
  let defaults: Record<string, unknown>;
  beforeAll(async () => {
    defaults = (await loadPlaybook('playbooks/i2p-node.yml')).plays[0].defaults;
  });
  const renderWith = (name: TemplateName, vars: Record<string, unknown>) =>
    render(readTemplate(name), { ...defaults, ...RENDER_EXTRAS, ...vars }, { file: TEMPLATES[name] });

  it('include every template, and examples with variables', () => {
    const kinds = excerpts().map((e) => `${e.template}${Object.keys(e.vars).length ? ' with variables' : ''}`);
    expect(new Set(kinds)).toEqual(new Set(['i2pd.conf', 'i2pd.conf with variables', 'bitcoin.conf', 'bitcoin.conf with variables', 'bitcoind.service']));
  });

  it.each(excerpts().map((e) => [`${at(e.block)} (${e.template})`, e] as const))('%s appears in the rendered template', (_where, e) => {
    const rendered = renderWith(e.template, e.vars);
    const problem = matches(rendered, e.block.body, 'within') ? undefined : `not in ${TEMPLATES[e.template]} as rendered:\n${rendered}`;
    expect(problem).toBeUndefined();
  });

  const varsBlocks = blocks.filter((b) => b.info === 'yaml vars');
  it.each(varsBlocks.map((b) => [at(b), b] as const))('the variables at %s are documented ones, and render configs the playbook accepts', (_where, b) => {
    const vars = parse(b.body.join('\n')) as Record<string, unknown>;
    const documented = [...Object.values(TEMPLATES).map((f) => readFileSync(f, 'utf8')), readFileSync('playbooks/i2p-node.yml', 'utf8')].join('\n');
    expect(Object.keys(vars).filter((k) => !new RegExp(`(^|\\s)${k}(:|\\s)`, 'm').test(documented))).toEqual([]);
    expect(checkI2pdConf(renderWith('i2pd.conf', vars), { file: 'i2pd.conf' }).map(String)).toEqual([]);
    expect(checkBitcoinConf(renderWith('bitcoin.conf', vars), { file: 'bitcoin.conf' }).map(String)).toEqual([]);
    if (vars.ufw_egress_allow !== undefined) expect(ufw.args.safeParse({ rules: vars.ufw_egress_allow }).success).toBe(true);
  });

  const playbookBlocks = blocks.filter((b) => b.info === 'yaml playbooks/i2p-node.yml');
  it.each(playbookBlocks.map((b) => [at(b), b] as const))('the playbook excerpt at %s is in playbooks/i2p-node.yml as it is', (_where, b) => {
    const playbook = readFileSync('playbooks/i2p-node.yml', 'utf8');
    expect(playbook).toContain(b.body.join('\n'));
  });

  it('a wrong excerpt is caught: the default bitcoin.conf has no onlynet line', () => {
    expect(matches(renderWith('bitcoin.conf', {}), ['i2psam=127.0.0.1:7656', 'onlynet=i2p'], 'within')).toBe(false);
    expect(matches(renderWith('bitcoin.conf', { bitcoin_onlynet: ['i2p'] }), ['i2pacceptincoming=1', 'onlynet=i2p'], 'within')).toBe(true);
  });
});

// The shell blocks in guide order: provision commands and node commands interleave (the first converges the node).
const steps = blocks.flatMap((b) => (b.info === 'sh lab' || b.info === 'sh provision' ? shellSteps(b).map((s) => ({ ...s, on: b.info === 'sh lab' ? 'node' : 'control' })) : []));

describeLab(`the commands of ${GUIDE} on a converged lab host`, () => {
  const CLI = resolve('dist/cli/main.js');
  const VERSION = '29.1';
  let dir: string;
  let server: Server;
  let inventory: string;
  let labName: string;
  let host: string;

  beforeAll(async () => {
    const lab = sharedLab();
    labName = lab.name;
    host = lab.hosts[0].name;
    dir = mkdtempSync(join(tmpdir(), 'provision-guide-'));
    const tarball = makeStandinTarball(dir, VERSION);
    const gateway = (await labStatus(lab.name))[0].gateway;
    server = createServer((req, res) => {
      if (req.url === `/bin/bitcoin-core-${VERSION}/${tarball.name}`) res.end(readFileSync(tarball.file));
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, gateway, r));
    // The fleet of the guide's commands: this one host, in group nodes, with the stand-in release.
    inventory = join(dir, 'fleet.yml');
    writeFileSync(inventory, [
      'all:',
      '  children:',
      '    nodes:',
      '      hosts:',
      `        ${host}:`,
      `          address: ${lab.hosts[0].address}`,
      '  vars:',
      '    user: root',
      `    private_key_file: ${lab.keyFile}`,
      `    known_hosts_file: ${lab.knownHostsFile}`,
      `    bitcoin_version: "${VERSION}"`,
      `    bitcoin_sha256: ${tarball.sha256}`,
      `    bitcoin_download_base: http://${gateway}:${(server.address() as AddressInfo).port}/bin`,
      `    bitcoin_rpc_password_file: ${join(dir, 'rpc')}/{{ inventory_hostname }}.password`,
      '',
    ].join('\n'));
  }, 60_000);
  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('has commands for both the control machine and the node, the first one converging the node', () => {
    expect(steps[0]).toMatchObject({ on: 'control', command: 'provision run playbooks/i2p-node.yml -i inventories/fleet.yml' });
    expect(steps.filter((s) => s.on === 'node').length).toBeGreaterThan(20);
  });

  async function runStep(s: ShellStep & { on: string }): Promise<{ code: number; out: string }> {
    if (s.on === 'node') {
      const r = await labExec(labName, host, ['sh', '-c', s.command], { timeoutMs: 120_000 });
      return { code: r.code, out: r.stdout };
    }
    expect(s.command).toMatch(/^provision /);
    const command = s.command.replace(/^provision /, `node ${CLI} `).replaceAll('inventories/fleet.yml', inventory);
    try {
      const { stdout } = await run('sh', ['-c', command], { maxBuffer: 20 << 20, timeout: 600_000 });
      return { code: 0, out: stdout };
    } catch (e) {
      const err = e as { code: number; stdout: string; stderr: string };
      return { code: err.code, out: `${err.stdout}\n${err.stderr}` };
    }
  }

  // SIGKILLs systemd sent i2pd after its 30 s stop timeout, as the host's journal counts them.
  const i2pdKills = async () =>
    Number((await labExec(labName, host, ['sh', '-c', 'journalctl -u i2pd --no-pager | grep -c "i2pd.service: Killing process .* (i2pd) with signal SIGKILL"'])).stdout.trim());

  it.each(steps.map((s) => [`${at(s)} ${s.on}: ${s.command}`, s] as const))('%s', async (_name, s) => {
    // The guide says each `systemctl restart i2pd` in it ran into the stop timeout (section "i2pd is slow to stop"):
    // checked on each such step by the journal, a fact rather than a stopwatch.
    const restartsI2pd = s.on === 'node' && s.command === 'systemctl restart i2pd';
    const killsBefore = restartsI2pd ? await i2pdKills() : 0;
    // Node commands get up to ~30 s to match: right after a restart a service takes a moment (as verify.yml allows).
    const deadline = Date.now() + (s.on === 'node' ? 30_000 : 0);
    let problem: string | undefined;
    for (;;) {
      const got = await runStep(s);
      problem = got.code === s.status && (s.expected.length === 0 || matches(got.out, s.expected, 'whole'))
        ? undefined
        : `exit status ${got.code} (the guide: ${s.status})\n--- the guide shows:\n${s.expected.join('\n')}\n--- the command printed:\n${got.out}`;
      if (!problem || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 2000));
    }
    expect(problem).toBeUndefined();
    if (restartsI2pd) expect(await i2pdKills()).toBeGreaterThan(killsBefore);
  }, 660_000);

  // Two things the guide states as measured in the lab, checked here rather than by a command of the guide.
  it('a SIGHUP right after i2pd 2.45.1 starts kills it with SIGSEGV (why the guide says restart, never reload)', async () => {
    const sh = async (script: string) => (await labExec(labName, host, ['sh', '-c', script], { timeoutMs: 120_000 })).stdout.trim();
    try {
      expect(await sh('systemctl kill --signal=KILL i2pd; sleep 1; systemctl reset-failed i2pd; systemctl start i2pd && systemctl reload i2pd; sleep 2; systemctl show -p Result -p ExecMainStatus i2pd')).toBe(
        'Result=signal\nExecMainStatus=11',
      );
    } finally {
      expect(await sh('systemctl reset-failed i2pd; systemctl start i2pd; systemctl is-active i2pd')).toBe('active');
    }
  }, 120_000);
});
