// Where the login keys come from: the ssh-agent's socket, the host's private_key_file, or ~/.ssh's default keys.
// Read before any connection is opened, so that an unreadable key file fails the host without touching it.
import { stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ProvisionError } from '../errors.js';
import { readLocalFile } from '../local-read.js';
import type { Connection, UnreachableError } from './types.js';

/** The key files ssh tries when none is given, in its order. */
export const DEFAULT_KEYS = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

/** The user's ~/.ssh: $HOME first, like os.homedir(), but read from process.env so that a program (or a test) may point it elsewhere. */
export function userSshDir(): string {
  return join(process.env.HOME || homedir(), '.ssh');
}

async function isSocket(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isSocket(), () => false);
}

/** What authMethods needs from the disk: the agent's socket, and the key file's text or the default keys' texts. */
export interface KeySources {
  agent: object[];
  keyFile?: { file: string; text: string };
  defaults: { file: string; text: string }[];
}

/** OpenSSH's own bound on a key file (sshkey.c, MAX_KEY_FILE_SIZE). */
const MAX_KEY_FILE_BYTES = 1024 * 1024;

// ssh2 wants the key as a string (a Buffer throws).
async function readKeyFile(file: string): Promise<string> {
  return (await readLocalFile(file, { what: 'private key file', maxBytes: MAX_KEY_FILE_BYTES })).toString('utf8');
}

/** Reads the key sources; an unreadable private_key_file fails here, before any connection is opened. */
export async function readKeySources(c: Connection, fail: (m: string, f?: string) => UnreachableError): Promise<KeySources> {
  const agentSock = process.env.SSH_AUTH_SOCK;
  const agent = agentSock && (await isSocket(agentSock)) ? [{ type: 'agent', username: c.user, agent: agentSock }] : [];
  if (c.privateKeyFile) {
    const file = c.privateKeyFile;
    try {
      return { agent, keyFile: { file, text: await readKeyFile(file) }, defaults: [] };
    } catch (e) {
      const problem = e instanceof ProvisionError ? e.problem : undefined;
      const why = !problem ? `cannot read private key file ${file}: ${(e as Error).message}` : problem.what === `private key file not found: ${file}` ? `cannot read private key file ${file}: ENOENT` : problem.what;
      throw fail(why, 'check private_key_file for this host');
    }
  }
  const defaults: { file: string; text: string }[] = [];
  for (const name of DEFAULT_KEYS) {
    const file = join(userSshDir(), name);
    const text = await readKeyFile(file).catch(() => undefined);
    if (text !== undefined) defaults.push({ file, text });
  }
  return { agent, defaults };
}
