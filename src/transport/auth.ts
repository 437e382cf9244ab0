// The login methods for a host, from its key sources: a private_key_file (or the agent, when that file is a public
// or an encrypted key), else the agent and the default keys that parse.
import { stat } from 'node:fs/promises';
import { cmd } from '../shell/quote.js';
import { DEFAULT_KEYS, type KeySources } from './keys.js';
import { target } from './known-hosts.js';
import { parsedKey, type ParsedKey } from './ssh-libs.js';
import type { Connection, UnreachableError } from './types.js';

/** The login methods to try, in order, and how to name them in an error. */
export interface Auth {
  handler: object[];
  tried: string;
}

/** The login methods to try, from the key sources (parsing keys loads the SSH libraries). */
export async function authMethods(c: Connection, src: KeySources, fail: (m: string, f?: string) => UnreachableError): Promise<Auth> {
  const { agent } = src;
  const username = c.user;
  if (src.keyFile) {
    const { file, text } = src.keyFile;
    const parsed = await parsedKey(text);
    // ssh2 parses a .pub file too, and logging in with it can only fail (with a misleading authorized_keys hint). As
    // with ssh's IdentityFile, an agent that holds the key can still log in.
    if (!(parsed instanceof Error) && !parsed.isPrivateKey()) {
      if (agent.length) return { handler: agent, tried: `ssh-agent (key file ${file} is a public key)` };
      throw fail(`private key file ${file} holds a public key (${parsed.type}), not a private one`, await privateHalfFix(file));
    }
    if (!(parsed instanceof Error)) return { handler: [{ type: 'publickey', username, key: parsed }], tried: `key file ${file}` };
    if (/passphrase/.test(parsed.message)) {
      // provision never prompts; an agent holding the key can still log in.
      if (agent.length) return { handler: agent, tried: `ssh-agent (key file ${file} is encrypted)` };
      throw fail(`private key file ${file} is encrypted and provision does not ask for passphrases`, `load it into ssh-agent (${cmd('ssh-add', file)}) and run with SSH_AUTH_SOCK set`);
    }
    throw fail(`private key file ${file} is not a private key (${parsed.message})`, 'point private_key_file at the private half of the key, not the .pub file');
  }
  // Encrypted or unreadable default keys are skipped, as ssh does without a terminal to ask on.
  const keys: { file: string; key: ParsedKey }[] = [];
  for (const k of src.defaults) {
    const key = await parsedKey(k.text);
    if (!(key instanceof Error)) keys.push({ file: k.file, key });
  }
  const handler = [...agent, ...keys.map((k) => ({ type: 'publickey', username, key: k.key }))];
  if (!handler.length) {
    throw fail(
      `no SSH key to log in as ${username} at ${target(c.address, c.port)}: no private_key_file is set, no ssh-agent is ` +
        `running (SSH_AUTH_SOCK), and ~/.ssh has no usable ${DEFAULT_KEYS.join(', ')}`,
      'set private_key_file for the host, or ssh-add your key to a running ssh-agent',
    );
  }
  const tried = [...(agent.length ? ['ssh-agent'] : []), ...keys.map((k) => `key file ${k.file}`)].join(', ');
  return { handler, tried };
}

/** The fix for a public key given as private_key_file: the file beside it without .pub, when there is one. */
async function privateHalfFix(file: string): Promise<string> {
  const privateHalf = file.replace(/\.pub$/, '');
  const exists = privateHalf !== file && (await stat(privateHalf).then((s) => s.isFile(), () => false));
  if (exists) return `set private_key_file to ${privateHalf}, the private half of that key`;
  return `set private_key_file to the private half of that key${privateHalf !== file ? ` (the file whose name is ${file} without .pub)` : ''}`;
}
