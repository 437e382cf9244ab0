// Addresses as ufw writes them into its rules files, and "does this network contain that address" for the SSH guard.

/** The family of an address or network, or undefined when it is neither IPv4 nor IPv6. */
export function family(addr: string): 4 | 6 | undefined {
  const host = addr.split('/')[0];
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(host) && host.split('.').every((o) => Number(o) <= 255)) return 4;
  if (host.includes(':') && parse6(host) !== undefined) return 6;
  return undefined;
}

function parse4(host: string): number {
  return host.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}

function format4(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

function parse6(host: string): bigint | undefined {
  try {
    // WHATWG URL parsing validates and canonicalizes IPv6 (RFC 5952 compression, as ufw's inet_ntop does).
    const canon = new URL(`http://[${host}]/`).hostname.slice(1, -1);
    const [head, tail] = canon.includes('::') ? canon.split('::') : [canon, undefined];
    const h = head ? head.split(':') : [];
    const t = tail ? tail.split(':') : [];
    const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
    return groups.reduce((n, g) => (n << 16n) + BigInt(parseInt(g, 16)), 0n);
  } catch {
    return undefined;
  }
}

function canon6(host: string): string {
  return new URL(`http://[${host}]/`).hostname.slice(1, -1);
}

/**
 * An address as ufw stores it (util.normalize_address): no host prefix (/32, /128), IPv4 networks reduced to their
 * network address, dotted netmasks as prefix lengths, IPv6 compressed. `any` is 0.0.0.0/0 or ::/0.
 */
export function normalizeAddress(addr: string, v6: boolean): string {
  if (addr === 'any') return v6 ? '::/0' : '0.0.0.0/0';
  const [host, given] = addr.split('/');
  let prefix: string | undefined = given;
  if (!v6) {
    if (prefix !== undefined && prefix.includes('.')) {
      const mask = parse4(prefix);
      const bits = mask.toString(2).padStart(32, '0');
      if (/^1*0*$/.test(bits)) prefix = String(bits.indexOf('0') === -1 ? 32 : bits.indexOf('0'));
    }
    if (prefix === '32') prefix = undefined;
    if (prefix === undefined) return format4(parse4(host));
    const len = Number(prefix);
    const size = 2 ** (32 - len);
    return `${format4(Math.floor(parse4(host) / size) * size)}/${len}`;
  }
  if (prefix === '128') prefix = undefined;
  return prefix === undefined ? canon6(host) : `${canon6(host)}/${prefix}`;
}

/** Whether `network` (as stored by ufw) contains the single address `ip`. */
export function contains(network: string, ip: string): boolean {
  const f = family(ip);
  if (f === undefined || family(network) !== f) return false;
  const [host, prefix] = network.split('/');
  if (f === 4) {
    const len = prefix === undefined ? 32 : Number(prefix);
    const size = 2 ** (32 - len);
    return Math.floor(parse4(host) / size) === Math.floor(parse4(ip) / size);
  }
  const len = BigInt(prefix === undefined ? 128 : Number(prefix));
  return parse6(host)! >> (128n - len) === parse6(ip)! >> (128n - len);
}
