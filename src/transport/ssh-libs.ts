// node-ssh and ssh2, loaded on the first SSH connection: commands that never connect (validate, list-tasks, schema,
// lab) start without loading them. Private keys are parsed once per run.
import type { NodeSSH } from 'node-ssh';

let sshLibs: Promise<{ NodeSSH: typeof NodeSSH; parseKey: typeof import('ssh2').utils.parseKey }> | undefined;

/** node-ssh's client class and ssh2's key parser, loaded once. */
export const loadSshLibs = () =>
  (sshLibs ??= Promise.all([import('node-ssh'), import('ssh2')]).then(([nodeSsh, ssh2]) => ({ NodeSSH: nodeSsh.NodeSSH, parseKey: ssh2.default.utils.parseKey })));

/** A parsed key, or the Error saying why the text is not one. */
export type ParsedKey = ReturnType<typeof import('ssh2').utils.parseKey>;

// ssh2 would parse a key text again on every connection: it is handed the parsed key.
const parsedKeys = new Map<string, ParsedKey>();

/** A key text parsed (once per run; the first call loads the SSH libraries). */
export async function parsedKey(text: string): Promise<ParsedKey> {
  let parsed = parsedKeys.get(text);
  if (!parsed) parsedKeys.set(text, (parsed = (await loadSshLibs()).parseKey(text)));
  return parsed;
}
