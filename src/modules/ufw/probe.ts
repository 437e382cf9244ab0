// Reading ufw's state from its files (ufw status is useless while ufw is inactive, and its messages are prose),
// plus whether its chains are loaded, plus the SSH connection the provisioner came in through.
import { sh, ShellText } from '../../shell/quote.js';
import { keyValuePairs, outputSections } from '../../text/probe-output.js';
import { parseTuples, type Tuple } from './rules.js';

/** A default policy as the ufw command names it. */
export type Policy = 'allow' | 'deny' | 'reject';

/** Everything the ufw plan needs to know about the host. */
export interface UfwState {
  installed: boolean;
  /** ufw's rules files exist but this user cannot read them (they are root's, mode 0640). */
  unreadable?: boolean;
  /** ENABLED=yes in ufw.conf. */
  enabled: boolean;
  /** Whether ufw's chains are loaded in the kernel; undefined when that cannot be read (no iptables, no root). */
  loaded?: boolean;
  ipv6: boolean;
  incoming: Policy;
  outgoing: Policy;
  /** LOGLEVEL: off, low, medium, high, full. */
  logging: string;
  /** IPv4 rules, then IPv6 rules, each in file order (ufw applies the first match). */
  rules: Tuple[];
  /** The SSH connection this probe ran under, when there is one. */
  ssh?: { clientIp: string; serverIp: string; port: number };
}

/** What a package-fresh ufw looks like (used in check mode before an earlier task installed it). */
export const FRESH_UFW: UfwState = { installed: false, enabled: false, ipv6: true, incoming: 'deny', outgoing: 'allow', logging: 'low', rules: [] };

// sudo resets the environment, so SSH_CONNECTION is looked up in the environment of the ancestors (sshd's child
// shell has it) when the probe's own environment lacks it.
const SSH_CONNECTION = `c=\${SSH_CONNECTION:-}
p=$$; i=0
while [ -z "$c" ] && [ "$i" -lt 12 ]; do
  p=$(sed -n 's/^PPid:[[:space:]]*//p' /proc/$p/status 2>/dev/null)
  { [ -n "$p" ] && [ "$p" -gt 1 ]; } || break
  c=$( { tr '\\0' '\\n' < /proc/$p/environ; } 2>/dev/null | sed -n 's/^SSH_CONNECTION=//p' | head -n 1)
  i=$((i+1))
done
echo "ssh=$c"`;

/**
 * The probe script. `root` prefixes every file path (tests point it at fixture trees); with a root, the kernel is
 * not asked whether the chains are loaded.
 */
export function ufwProbeScript(root = ''): ShellText {
  const p = (path: string) => root + path;
  const loaded = root
    ? 'echo loaded=unknown'
    : `if out=$(LC_ALL=C iptables -w -n -L ufw-user-input 2>&1); then echo loaded=yes
elif printf '%s' "$out" | grep -q 'No chain'; then echo loaded=no; else echo loaded=unknown; fi`;
  return sh`if [ -e ${p('/usr/sbin/ufw')} ]; then echo installed=yes; else echo installed=no; fi
for f in ${p('/etc/ufw/user.rules')} ${p('/etc/ufw/user6.rules')}; do if [ -e "$f" ] && [ ! -r "$f" ]; then echo unreadable=yes; fi; done
echo '#conf'; grep -E '^(ENABLED|LOGLEVEL)=' ${p('/etc/ufw/ufw.conf')} 2>/dev/null
echo '#defaults'; grep -E '^(IPV6|DEFAULT_[A-Z]+_POLICY)=' ${p('/etc/default/ufw')} 2>/dev/null
echo '#rules4'; grep '^### tuple ###' ${p('/etc/ufw/user.rules')} 2>/dev/null
echo '#rules6'; grep '^### tuple ###' ${p('/etc/ufw/user6.rules')} 2>/dev/null
echo '#end'
${new ShellText(loaded)}
${new ShellText(SSH_CONNECTION)}`;
}

const POLICY: Record<string, Policy> = { ACCEPT: 'allow', DROP: 'deny', REJECT: 'reject' };

/** Parses the probe's output. */
export function parseUfwProbe(stdout: string): UfwState {
  const sections = outputSections(stdout, /^#(conf|defaults|rules4|rules6|end)$/);
  const lines = (name: string) => sections.get(name) ?? [];
  // Each section is read with the lines before the first marker (installed=, unreadable=). The files are shell
  // assignments: the last one wins, and a value may be double-quoted.
  const kv = (name: string) => {
    const out: Record<string, string> = {};
    for (const [k, v] of keyValuePairs([...lines(''), ...lines(name)])) out[k] = v.replace(/^"(.*)"$/, '$1').trim();
    return out;
  };
  const head = kv('end');
  const conf = kv('conf');
  const defaults = kv('defaults');
  const [clientIp, , serverIp, port] = (head.ssh ?? '').split(/\s+/);
  const v4mapped = (ip: string) => ip.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1');
  return {
    installed: head.installed === 'yes',
    ...(head.unreadable === 'yes' ? { unreadable: true } : {}),
    enabled: conf.ENABLED === 'yes',
    ...(head.loaded === 'yes' ? { loaded: true } : head.loaded === 'no' ? { loaded: false } : {}),
    ipv6: defaults.IPV6 !== 'no',
    incoming: POLICY[defaults.DEFAULT_INPUT_POLICY ?? 'DROP'] ?? 'deny',
    outgoing: POLICY[defaults.DEFAULT_OUTPUT_POLICY ?? 'ACCEPT'] ?? 'allow',
    logging: conf.LOGLEVEL || 'low',
    rules: [...parseTuples(lines('rules4').join('\n'), false), ...parseTuples(lines('rules6').join('\n'), true)],
    ...(port && Number(port) > 0 ? { ssh: { clientIp: v4mapped(clientIp), serverIp: v4mapped(serverIp), port: Number(port) } } : {}),
  };
}
