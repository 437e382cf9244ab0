// What the I2P lab extension adds to `provision lab`: `lab up --i2p [--floodfills N]`, the floodfill lines `lab up`
// prints, and `lab i2p-check FROM TO`.
import type { Command } from 'commander';
import { ProvisionError, type LabExtensionCli, type LabInfo } from 'provision/lab';
import { labI2pProbe } from './api.js';
import type { I2pLabInfo } from './network.js';
import type { ProbeResult } from './probe.js';

/** The I2P extension's part of `provision lab`. */
export const i2pLabCli: LabExtensionCli = {
  upOptions(up, { positiveInt }) {
    up.option('--i2p', 'a private I2P network among the hosts: the lab runs floodfill routers and writes the i2pd variables into the inventory (group nodes)')
      .option('--floodfills <n>', 'with --i2p: how many floodfill routers the lab runs besides the hosts (default 4)', positiveInt('--floodfills', 16));
  },
  fromUpOptions(opts) {
    if (opts.floodfills !== undefined && !opts.i2p) throw new ProvisionError({ what: '--floodfills needs --i2p', code: 'usage' });
    return opts.i2p ? { floodfills: opts.floodfills as number | undefined } : undefined;
  },
  upLines(info: LabInfo) {
    return ((info.i2p as I2pLabInfo | undefined)?.floodfills ?? []).map((f) => `${f.name}\t${f.address}\t(I2P floodfill, ${f.ipv6})\n`);
  },
  commands(lab: Command, { positiveInt }) {
    lab
      .command('i2p-check')
      .description('prove that host FROM reaches host TO over I2P: SAM stream sessions on both (i2pd on 127.0.0.1:7656), a line each way')
      .argument('<from>', 'host that connects')
      .argument('<to>', 'host that accepts')
      .option('--name <name>', 'lab name (default: the lab that has these hosts)')
      .option('--timeout <seconds>', 'give up after this long, retrying with new sessions (default 600)', positiveInt('--timeout', 86400))
      .option('--json', 'print every try as JSON')
      .action(async (from: string, to: string, opts: { name?: string; timeout?: number; json?: boolean }) => {
        const log = opts.json ? undefined : (l: string) => process.stderr.write(`i2p-check: ${l}\n`);
        const r = await labI2pProbe(opts.name, from, to, { timeoutMs: (opts.timeout ?? 600) * 1000, log });
        process.stdout.write(opts.json ? `${JSON.stringify(r, null, 2)}\n` : summary(from, to, r));
        process.exitCode = r.ok ? 0 : 1;
      });
  },
};

function summary(from: string, to: string, r: ProbeResult): string {
  const last = r.tries[r.tries.length - 1];
  const seconds = (r.totalMs / 1000).toFixed(1);
  if (!r.ok) return `${from} -> ${to}: NOT reachable over I2P after ${seconds} s and ${r.tries.length} tries (last: ${last?.error ?? last?.result ?? 'nothing'})\n`;
  const session = r.tries.find((t) => t.sessionMs !== undefined && t.round === last.round)?.sessionMs;
  return `${from} -> ${to}: reachable over I2P (${r.b32}) in ${seconds} s: sessions ${session} ms, connect ${last.connectMs} ms, round trip ${last.roundTripMs} ms, ${r.tries.length} tr${r.tries.length === 1 ? 'y' : 'ies'}\n`;
}
