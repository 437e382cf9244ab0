// `provision exec PATTERN -- CMD` and `provision facts PATTERN`: one command or the facts, across a fleet, without a
// playbook. Same inventory, host patterns, host-key checks and connection handling as `run`.
import type { Command } from 'commander';
import PQueue from 'p-queue';
import { gatherFactsProbe } from '../facts/gather.js';
import { selectHosts } from '../inventory/select.js';
import type { Host } from '../inventory/types.js';
import { becomeAs, cmd, wrap } from '../shell/quote.js';
import { connect } from '../transport/connect.js';
import { UnreachableError, type ExecResult, type Transport } from '../transport/types.js';
import { visible } from '../report/visible.js';
import { addInventorySecrets } from '../runner/secrets.js';
import { Masker } from '../shell/secret.js';
import { loadInventoryArg } from '../inventory/arg.js';
import { positiveInt } from './options.js';

interface AdhocOptions {
  inventory?: string;
  limit?: string;
  forks?: number;
  become?: boolean;
  becomeUser?: string;
  acceptNewHostKeys?: boolean;
  timeout?: number;
  json?: boolean;
}

type Outcome = { host: string; status: 'ok' | 'failed' | 'unreachable'; result?: ExecResult; error?: string };

/** Adds `exec` and `facts`. */
export function registerAdhoc(program: Command): void {
  const common = (c: Command) =>
    c
      .requiredOption('-i, --inventory <file>', 'inventory file, or a comma list of hosts')
      .option('-l, --limit <pattern>', 'further limit the hosts')
      .option('-f, --forks <n>', 'hosts at once (default 50)', positiveInt('--forks', 5000))
      .option('-b, --become', 'run with non-interactive sudo')
      .option('--become-user <user>', 'user to become (default root)')
      .option('--accept-new-host-keys', 'trust on first use (a changed key is always refused)')
      .option('--json', 'one JSON object per host on stdout');

  common(program.command('exec').description('run one command on every selected host (no shell: argv as given)'))
    .argument('<pattern>', 'host pattern')
    .argument('<command...>', 'the command and its arguments (put -- before it)')
    .option('-T, --timeout <seconds>', 'kill the command after this long', positiveInt('--timeout', 86400))
    .action(async (pattern: string, argv: string[], opts: AdhocOptions) => {
      const { outcomes } = await onHosts(pattern, opts, (t, host) => {
        // As in `run`: -b or the inventory's become; sudo only when the login user is not the become user already.
        const c = host.connection;
        const become = becomeAs(opts.become || c.become || false, opts.becomeUser ?? c.becomeUser ?? 'root', c.user);
        return t.exec(wrap(cmd(...argv), become), { timeoutMs: opts.timeout ? opts.timeout * 1000 : undefined });
      });
      process.exitCode = exitCode(outcomes);
    });

  common(program.command('facts').description('gather facts (OS, release, architecture, init system, hostname) as JSON'))
    .argument('[pattern]', 'host pattern', 'all')
    .action(async (pattern: string, opts: AdhocOptions) => {
      const probe = gatherFactsProbe();
      const facts: Record<string, unknown> = {};
      const { outcomes, masker } = await onHosts(pattern, { ...opts, json: true }, async (t, host) => {
        const r = await t.exec(wrap(probe.script, false));
        facts[host.name] = probe.parse(r);
        return r;
      }, true);
      for (const o of outcomes) if (o.status !== 'ok') facts[o.host] = { [o.status]: o.error ?? o.result?.stderr.trim() };
      process.stdout.write(JSON.stringify(masker.maskValue(facts), null, 2) + '\n');
      process.exitCode = exitCode(outcomes);
    });
}

async function onHosts(
  pattern: string,
  opts: AdhocOptions,
  work: (t: Transport, host: Host) => Promise<ExecResult>,
  quiet = false,
): Promise<{ outcomes: Outcome[]; masker: Masker }> {
  const inventory = await loadInventoryArg(opts.inventory);
  // What hosts print is masked with the inventory's secrets, as in a run.
  const masker = new Masker();
  addInventorySecrets(inventory, masker);
  const names = selectHosts(inventory, pattern, opts.limit);
  const queue = new PQueue({ concurrency: opts.forks ?? 50 });
  const print = (o: Outcome) => {
    if (quiet) return;
    const shown = masker.maskValue({ stdout: o.result?.stdout, stderr: o.result?.stderr, error: o.error });
    if (opts.json) {
      process.stdout.write(JSON.stringify({ host: o.host, status: o.status, rc: o.result?.code ?? null, ...shown }) + '\n');
      return;
    }
    const head = o.status === 'unreachable' ? `${o.host} | UNREACHABLE: ${shown.error}` : `${o.host} | ${o.status.toUpperCase()} | rc=${o.result?.code ?? 'killed'}`;
    const body = [shown.stdout?.trimEnd(), shown.stderr?.trimEnd()].filter(Boolean).join('\n');
    process.stdout.write(visible(`${head}${body ? `\n${body}` : ''}`) + '\n');
  };
  const outcomes = await Promise.all(
    names.map((name) =>
      queue.add(async (): Promise<Outcome> => {
        const host = inventory.hosts.get(name)!;
        let t: Transport | undefined;
        let o: Outcome;
        try {
          t = await connect(host, { acceptNewHostKeys: opts.acceptNewHostKeys });
          const result = await work(t, host);
          o = { host: name, status: result.code === 0 ? 'ok' : 'failed', result };
        } catch (e) {
          if (!(e instanceof UnreachableError)) throw e;
          o = { host: name, status: 'unreachable', error: e.message + (e.fix ? ` (fix: ${e.fix})` : '') };
        } finally {
          await t?.close();
        }
        print(o);
        return o;
      }) as Promise<Outcome>,
    ),
  );
  return { outcomes, masker };
}

function exitCode(outcomes: Outcome[]): number {
  if (outcomes.some((o) => o.status === 'failed')) return 2;
  if (outcomes.some((o) => o.status === 'unreachable')) return 4;
  return 0;
}
