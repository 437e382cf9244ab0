// The inventory as the runner sees it.

/** How to reach a host. */
export interface Connection {
  /** `ssh` (default) or `local` (the control machine itself). */
  type: 'ssh' | 'local';
  /** Address to connect to (default: the host's name). */
  address: string;
  port: number;
  /** Remote user (default: the control machine's user). */
  user: string;
  /** Private key file, absolute path (default: ssh-agent, then ~/.ssh/id_ed25519, id_ecdsa, id_rsa). */
  privateKeyFile?: string;
  /** known_hosts file to verify host keys against, absolute path (default ~/.ssh/known_hosts). */
  knownHostsFile?: string;
  /** Escalate with non-interactive sudo for every task (play/task `become` can also turn it on). */
  become?: boolean;
  becomeUser?: string;
  /** Connect timeout in ms (default 10000). */
  connectTimeoutMs?: number;
  /** A jump host (ProxyJump) this host is reached through. */
  proxyJump?: Connection;
}

/** One host with its merged variables (group vars all → parent → child, then host vars, then host_vars/ files). */
export interface Host {
  name: string;
  vars: Record<string, unknown>;
  /** Every group the host is in, directly or through children, including `all`. */
  groups: string[];
  connection: Connection;
}

/** A group. */
export interface Group {
  name: string;
  /** Direct member hosts. */
  hosts: string[];
  children: string[];
  vars: Record<string, unknown>;
}

/** A whole inventory. */
export interface Inventory {
  /** Path of the inventory file as given. */
  file: string;
  /** Hosts in file order. */
  hosts: Map<string, Host>;
  groups: Map<string, Group>;
}
