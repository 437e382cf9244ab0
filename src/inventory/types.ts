// The inventory as the runner sees it.

import type { Connection } from '../transport/types.js';

export type { Connection };

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
