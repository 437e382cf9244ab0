// ufw's rules as it stores them ("### tuple ###" lines of /etc/ufw/user.rules and user6.rules), the rules a
// playbook asks for in the same form, and the ufw command lines that add or delete them.
import { cmd, type ShellText } from '../../shell/quote.js';
import { contains, normalizeAddress } from './address.js';

/** One stored rule (one address family). ufw identifies a rule by everything except action, logging and comment. */
export interface Tuple {
  action: string;
  /** '' or log / log-all. */
  log: string;
  proto: string;
  dport: string;
  dst: string;
  sport: string;
  src: string;
  /** `in` or `out`, with `_IFACE` when the rule names an interface. */
  direction: string;
  /** Application profile names (9-field tuples), '-' when none. */
  dapp: string;
  sapp: string;
  route: boolean;
  v6: boolean;
  comment: string;
}

/** A rule as a playbook writes it (after schema parsing). */
export interface WantedRule {
  rule: 'allow' | 'deny' | 'reject' | 'limit';
  direction: 'in' | 'out';
  port?: string;
  proto: 'tcp' | 'udp' | 'any';
  from: string;
  to: string;
  comment?: string;
  delete: boolean;
}

function hexDecode(hex: string): string {
  return Buffer.from(hex.length % 2 ? hex.slice(0, -1) : hex, 'hex').toString('utf8');
}

/** Parses the tuple lines of one rules file (ufw's own reader: backend_iptables._read_rules). */
export function parseTuples(text: string, v6: boolean): Tuple[] {
  const out: Tuple[] = [];
  for (const raw of text.split('\n')) {
    if (!raw.startsWith('### tuple ###')) continue;
    const [line, hex] = raw.split(' comment=');
    const f = line.replace(/^### tuple ###\s*/, '').trim().split(/\s+/);
    if (f.length !== 7 && f.length !== 9) continue;
    let [action] = f;
    const route = action.startsWith('route:');
    if (route) action = action.slice('route:'.length);
    const [base, log = ''] = action.split('_');
    out.push({
      action: base,
      log,
      proto: f[1],
      dport: f[2],
      dst: f[3],
      sport: f[4],
      src: f[5],
      dapp: f.length === 9 ? f[6] : '-',
      sapp: f.length === 9 ? f[7] : '-',
      direction: f[f.length - 1],
      route,
      v6,
      comment: hex ? hexDecode(hex.trim()) : '',
    });
  }
  return out;
}

/** The identity ufw matches rules by (UFWRule.match: all but action, log type and comment). */
export function tupleKey(t: Tuple): string {
  return [t.v6 ? 6 : 4, t.proto, t.dport, t.dst, t.sport, t.src, t.dapp, t.sapp, t.direction, t.route].join(' ');
}

/** ufw sorts the ports of a list; ranges and single ports alike by their first number. */
export function normalizePort(port: string): string {
  return port
    .split(',')
    .sort((a, b) => Number(a.split(':')[0]) - Number(b.split(':')[0]))
    .join(',');
}

/** The tuples ufw writes for a wanted rule: IPv4, and IPv6 too when both addresses are `any` and IPv6 is on. */
export function expand(r: WantedRule, ipv6: boolean): Tuple[] {
  const fam = (a: string) => (a === 'any' ? undefined : a.includes(':') ? 6 : 4);
  const f = fam(r.from) ?? fam(r.to);
  const families = f === 4 ? [false] : f === 6 ? [true] : ipv6 ? [false, true] : [false];
  return families.map((v6) => ({
    action: r.rule,
    log: '',
    proto: r.proto,
    dport: r.port === undefined ? 'any' : normalizePort(r.port),
    dst: normalizeAddress(r.to, v6),
    sport: 'any',
    src: normalizeAddress(r.from, v6),
    dapp: '-',
    sapp: '-',
    direction: r.direction,
    route: false,
    v6,
    comment: r.comment ?? '',
  }));
}

/** How a rule reads in notes: `allow in 22/tcp`, `allow out 9000:31000/udp from 10.0.0.0/8`. */
export function describeRule(r: Pick<WantedRule, 'rule' | 'direction' | 'port' | 'proto' | 'from' | 'to'>): string {
  const port = r.port === undefined ? 'any port' : r.proto === 'any' ? r.port : `${r.port}/${r.proto}`;
  const proto = r.port === undefined && r.proto !== 'any' ? ` proto ${r.proto}` : '';
  return `${r.rule} ${r.direction} ${port}${proto}${r.from !== 'any' ? ` from ${r.from}` : ''}${r.to !== 'any' ? ` to ${r.to}` : ''}`;
}

/** `ufw [delete] ACTION DIRECTION [proto P] from SRC to DST [port PORT] [comment C]` (the full syntax, never ambiguous). */
export function ruleCommand(r: WantedRule, opts: { delete?: boolean } = {}): ShellText {
  return cmd(
    'ufw',
    ...(opts.delete ? ['delete'] : []),
    r.rule,
    r.direction,
    ...(r.proto !== 'any' ? ['proto', r.proto] : []),
    'from',
    r.from,
    'to',
    r.to,
    ...(r.port !== undefined ? ['port', r.port] : []),
    ...(r.comment && !opts.delete ? ['comment', r.comment] : []),
  );
}

/** Whether a stored rule covers TCP traffic to `port` from `client` to `server` (the SSH guard's question). */
export function tupleMatchesConnection(t: Tuple, c: { clientIp: string; serverIp: string; port: number }): boolean {
  if (t.route || t.direction !== 'in' || t.sapp !== '-' || t.dapp !== '-') return false;
  if (t.proto !== 'tcp' && t.proto !== 'any') return false;
  if (t.sport !== 'any') return false;
  const portOk =
    t.dport === 'any' ||
    t.dport.split(',').some((p) => {
      const [lo, hi = lo] = p.split(':').map(Number);
      return c.port >= lo && c.port <= hi;
    });
  return portOk && contains(t.src, c.clientIp) && contains(t.dst, c.serverIp);
}
