// ufw: firewall rules, default policies, logging and on/off, idempotent by reading ufw's own files, and never
// locking out the SSH connection the provisioner came in through.
import { z } from 'zod';
import { integerIn } from '../source/numbers.js';
import { cmd } from '../shell/quote.js';
import { defineModule, type ModuleContext, type Plan, type Step } from './define.js';
import { family } from './ufw/address.js';
import { FRESH_UFW, parseUfwProbe, ufwProbeScript, type UfwState } from './ufw/probe.js';
import { describeRule, expand, ruleCommand, tupleKey, tupleMatchesConnection, type Tuple, type WantedRule } from './ufw/rules.js';

const address = z
  .string()
  .refine((a) => a === 'any' || (family(a) !== undefined && /^[^/]+(\/(\d{1,3}|\d+\.\d+\.\d+\.\d+))?$/.test(a)), 'an IPv4 or IPv6 address or network (CIDR), or "any"');

const port = z
  .union([integerIn(1, 65535).transform(String), z.string().regex(/^\d+(:\d+)?(,\d+(:\d+)?)*$/, 'a port, a range like "9000:31000", or a list like "80,443"')])
  .refine((p) => p.split(',').every((part) => {
    const [lo, hi = lo] = part.split(':').map(Number);
    return lo >= 1 && hi <= 65535 && lo <= hi;
  }), 'ports are 1-65535, and a range goes from low to high');

const rule = z
  .strictObject({
    rule: z.enum(['allow', 'deny', 'reject', 'limit']).default('allow').describe('What to do with matching traffic (limit: allow, but refuse an address that opens 6 connections in 30 s)'),
    direction: z.enum(['in', 'out']).default('in').describe('in: traffic to this host; out: traffic from it'),
    port: port.optional().describe('Destination port: a number, a range "9000:31000" (needs proto tcp or udp) or a list "80,443". Default: every port'),
    proto: z.enum(['tcp', 'udp', 'any']).default('any').describe('Protocol; a range or list of ports needs tcp or udp'),
    from: address.default('any').describe('Source address or network, or any'),
    to: address.default('any').describe('Destination address or network, or any'),
    comment: z
      .string()
      .max(200)
      .refine((c) => !c.includes("'"), 'ufw refuses a comment containing \' (its parser has no way to store it): use ’ or " instead')
      .optional()
      .describe('Shown by `ufw status`; stored with the rule (any text but \')'),
    delete: z.boolean().default(false).describe('Remove this rule instead of adding it'),
  })
  .superRefine((r, ctx) => {
    if (r.port !== undefined && /[:,]/.test(r.port) && r.proto === 'any') {
      ctx.addIssue({ code: 'custom', path: ['proto'], message: `port "${r.port}" is a range or list: ufw needs proto tcp or udp for it (write one rule for each)` });
    }
    const f = (a: string) => (a === 'any' ? undefined : family(a));
    if (f(r.from) !== undefined && f(r.to) !== undefined && f(r.from) !== f(r.to)) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'from and to must both be IPv4 or both IPv6' });
    }
  });

const policy = z.enum(['allow', 'deny', 'reject']);

const args = z.strictObject({
  rules: z.array(rule).default([]).describe('Rules to add (or, with delete: true, remove); rules not listed are left alone'),
  default_incoming: policy.optional().describe('Policy for incoming traffic no rule matches'),
  default_outgoing: policy.optional().describe('Policy for outgoing traffic no rule matches'),
  state: z.enum(['enabled', 'disabled']).optional().describe('enabled: rules enforced now and at boot; disabled: ufw off'),
  logging: z.enum(['off', 'on', 'low', 'medium', 'high', 'full']).optional().describe('Log level (on = low)'),
  protect_ssh: z
    .boolean()
    .default(true)
    .describe(
      'Before enabling ufw or denying incoming traffic, make sure the SSH port this run is connected through stays allowed (adding `allow in PORT/tcp` first), and refuse rules that would remove that permission. false turns the guard off',
    ),
});

/** ufw's arguments after parsing. */
export type UfwArgs = z.output<typeof args>;

type Conn = NonNullable<UfwState['ssh']>;

// ufw applies the first matching rule of the connection's family, then the default policy.
function sshAllowed(enabled: boolean, incoming: string, rules: Tuple[], c: Conn): boolean {
  if (!enabled) return true;
  const hit = rules.find((t) => t.v6 === (family(c.clientIp) === 6) && tupleMatchesConnection(t, c));
  return hit ? hit.action === 'allow' || hit.action === 'limit' : incoming === 'allow';
}

/** Pure: ufw's files (and the SSH connection) → the ufw commands that make them what the arguments say. */
export function planUfw(a: UfwArgs, probed: UfwState, ctx: Pick<ModuleContext, 'check'>): Plan {
  const notes: string[] = [];
  if (!probed.installed && !ctx.check) return { steps: [], fail: 'ufw is not installed on this host: install it first (apt: name: ufw)' };
  if (probed.unreadable) return { steps: [], fail: 'cannot read /etc/ufw/user.rules: reading and changing ufw needs root (become: true)' };
  const s: UfwState = probed.installed ? probed : { ...FRESH_UFW, ...(probed.ssh ? { ssh: probed.ssh } : {}) };
  if (!probed.installed) notes.push('ufw is not installed yet (an earlier task may install it)');

  let final = [...s.rules];
  const ruleSteps: Step[] = [];
  const added: string[] = [];
  const deleted: string[] = [];
  for (const r of a.rules as WantedRule[]) {
    const wanted = expand(r, s.ipv6);
    const keys = new Set(wanted.map(tupleKey));
    if (r.delete) {
      const found = final.filter((t) => keys.has(tupleKey(t)));
      // ufw deletes only a rule with the same action, so delete with the action stored on the host.
      for (const action of [...new Set(found.map((t) => t.action))]) {
        const stored = { ...r, rule: action as WantedRule['rule'] };
        ruleSteps.push({ describe: `delete rule ${describeRule(stored)}`, script: ruleCommand(stored, { delete: true }) });
        deleted.push(describeRule(stored));
      }
      final = final.filter((t) => !found.includes(t));
      continue;
    }
    let was: Tuple | undefined;
    let missing = false;
    for (const w of wanted) {
      const i = final.findIndex((t) => tupleKey(t) === tupleKey(w));
      if (i === -1) (final.push(w), (missing = true));
      else if (final[i].action !== w.action || final[i].log !== '' || final[i].comment !== w.comment) ((was = final[i]), (final[i] = w));
    }
    if (!missing && !was) continue;
    const what = describeRule(r);
    const why = missing ? '' : was!.action !== r.rule ? ` (was ${was!.action})` : was!.log ? ` (was logged: ${was!.log})` : ` (comment was ${JSON.stringify(was!.comment)})`;
    ruleSteps.push({ describe: `${missing ? 'add' : 'update'} rule ${what}${why}`, script: ruleCommand(r) });
    added.push(what);
  }

  const incoming = a.default_incoming ?? s.incoming;
  const policySteps: Step[] = [];
  for (const [dir, want, have] of [['incoming', a.default_incoming, s.incoming], ['outgoing', a.default_outgoing, s.outgoing]] as const) {
    if (want !== undefined && want !== have) policySteps.push({ describe: `default ${dir} ${have} → ${want}`, script: cmd('ufw', 'default', want, dir) });
  }
  const level = a.logging === 'on' ? 'low' : a.logging;
  if (level !== undefined && level !== s.logging) policySteps.push({ describe: `logging ${s.logging} → ${level}`, script: cmd('ufw', 'logging', level) });

  const active = s.enabled && s.loaded !== false;
  const willBeActive = a.state === undefined ? active : a.state === 'enabled';
  const stateSteps: Step[] = [];
  if (a.state === 'enabled' && !active) {
    stateSteps.push({ describe: s.enabled ? 'load ufw (ENABLED=yes in ufw.conf, but its chains are not loaded)' : 'enable ufw', script: cmd('ufw', '--force', 'enable') });
  }
  if (a.state === 'disabled' && s.enabled) stateSteps.push({ describe: 'disable ufw', script: cmd('ufw', 'disable') });

  // The lockout guard: compare the SSH connection's fate before and after the plan.
  const guard: Step[] = [];
  const c = s.ssh;
  const changes = ruleSteps.length + policySteps.length + stateSteps.length > 0;
  if (c && changes && sshAllowed(active, s.incoming, s.rules, c) && !sshAllowed(willBeActive, incoming, final, c)) {
    const portName = `${c.port}/tcp`;
    if (!a.protect_ssh) notes.push(`SSH port ${portName} will be blocked (protect_ssh: false)`);
    else if (sshAllowed(true, 'deny', s.rules, c) && !sshAllowed(true, 'deny', final, c)) {
      return {
        steps: [],
        fail: `refusing to remove the permission for SSH port ${portName}, the port this run is connected through: ufw would lock it out. Keep the rule that allows it, or set protect_ssh: false if another way in is certain`,
      };
    } else if (final.some((t) => t.v6 === (family(c.clientIp) === 6) && tupleMatchesConnection(t, c))) {
      return {
        steps: [],
        fail: `refusing to enforce rules that deny SSH port ${portName}, the port this run is connected through: ufw would lock it out. Allow the port before any rule that denies it, or set protect_ssh: false`,
      };
    } else {
      const keep: WantedRule = { rule: 'allow', direction: 'in', port: String(c.port), proto: 'tcp', from: 'any', to: 'any', comment: 'SSH (kept open by provision)', delete: false };
      guard.push({ describe: `add rule allow in ${portName} first: this run is connected through it`, script: ruleCommand(keep) });
      added.unshift(describeRule(keep));
    }
  }

  const steps = [...guard, ...(a.state === 'disabled' ? stateSteps : []), ...ruleSteps, ...policySteps, ...(a.state === 'disabled' ? [] : stateSteps)];
  const result = { enabled: willBeActive, added, deleted, ...(c ? { ssh_port: c.port } : {}) };
  if (!steps.length) {
    const rulesNote = a.rules.length ? `, ${a.rules.length} rule${a.rules.length === 1 ? '' : 's'} as wanted` : '';
    notes.push(`ufw ${active ? 'enabled' : 'disabled'}, default incoming ${s.incoming}, outgoing ${s.outgoing}${rulesNote}`);
    return { steps, note: notes.join('; '), result };
  }
  notes.push(...steps.map((st) => st.describe));
  return { steps, note: notes.join('; '), result };
}

/** The ufw module. */
export const ufw = defineModule<UfwArgs, UfwArgs, UfwState>({
  name: 'ufw',
  summary: 'Manage ufw: rules (direction, port or range, proto, addresses, comment), default policies, logging, on/off; never locks out SSH.',
  args,
  probe: () => ({ script: ufwProbeScript(), parse: ({ stdout }) => parseUfwProbe(stdout) }),
  plan: planUfw,
});
