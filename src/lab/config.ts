// Where the lab keeps things and what it builds by default. Every path can be moved with an environment variable.

/** Cache shared by every lab on this machine: base root filesystems, debootstrap's debs, local repositories. */
export function cacheDir(): string {
  return process.env.PROVISION_LAB_CACHE_DIR || '/var/cache/provision-lab';
}

/** Root of the per-lab state dirs (state.json, keys, known_hosts, the hosts' overlay dirs, logs). */
export function stateRoot(): string {
  // On disk rather than under /run: the hosts' writable layers live here, and /run is often a small tmpfs.
  return process.env.PROVISION_LAB_STATE_DIR || '/var/lib/provision-lab';
}

/** Debian mirror used by debootstrap and for fetching the repository's packages. */
export function mirror(): string {
  return process.env.PROVISION_LAB_MIRROR || 'http://deb.debian.org/debian';
}

/** The Debian release of every lab host. */
export const SUITE = 'bookworm';

/** Packages in the base root filesystem (besides minbase): sshd, systemd as PID 1, and what Ansible needs. */
export const BASE_PACKAGES = [
  'openssh-server',
  'python3',
  'sudo',
  'iproute2',
  'procps',
  'ca-certificates',
  'systemd',
  'systemd-sysv',
  'dbus',
  'netbase',
];

/** Packages every lab's local apt repository holds (what general playbooks install), besides the lab extensions' repoPackages. */
export const DEFAULT_PACKAGES = ['ufw', 'iptables', 'netcat-openbsd', 'curl', 'sudo', 'ca-certificates'];

/** Bump when the base's customization changes, so cached bases built the old way are not reused. */
export const BASE_FORMAT = 1;

/** The lab's addresses: lab slot K uses 10.77.K.0/24, the bridge is .1, host N is .(10+N). */
export const NET_PREFIX = '10.77';

/** At most this many hosts per lab (addresses .11 to .250). */
export const MAX_HOSTS = 240;

/** The inventory group of the hosts under test (a lab extension's service hosts are not in the inventory at all). */
export const NODES_GROUP = 'nodes';
