// Which values of a run are secrets: every value of a variable whose name says it is one, and Secret objects.
import type { RunOptions } from './run.js';
import { Secret, type Masker } from '../shell/secret.js';

/** Variable names whose values are masked in every output (`rpc_password`, `api_token`, `wallet_passphrase`, ...). */
export const SECRET_NAME = /(pass(word|phrase)?|secret|token|private_?key|credential)s?$/i;

/** Registers every secret the run can know of before it starts (inventory, play vars, extra vars). */
export function collectSecrets(options: RunOptions, masker: Masker): void {
  const visit = (name: string, value: unknown, secretParent = false): void => {
    const secret = secretParent || SECRET_NAME.test(name);
    if (value instanceof Secret) masker.add(value);
    else if (typeof value === 'string' || typeof value === 'number') {
      if (secret) masker.add(String(value));
    } else if (Array.isArray(value)) value.forEach((v) => visit(name, v, secret));
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) visit(k, v, secret);
  };
  for (const host of options.inventory.hosts.values()) for (const [k, v] of Object.entries(host.vars)) visit(k, v);
  for (const play of options.playbook.plays) {
    for (const [k, v] of Object.entries({ ...play.vars, ...play.varsFromFiles })) visit(k, v);
    for (const t of [...play.tasks, ...play.handlers]) for (const [k, v] of Object.entries(t.vars)) visit(k, v);
  }
  for (const [k, v] of Object.entries(options.extraVars ?? {})) visit(k, v);
}
