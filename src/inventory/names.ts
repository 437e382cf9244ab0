// What a host may be called. A host's name ends up in an ssh command line and in paths on the control machine
// (host_vars/NAME.yml, a password file named after it), so a name that ssh refuses, or that could step out of a
// folder, is refused where the inventory defines it.

/** The rule, as errors state it: OpenSSH's valid_hostname() (ssh.c), plus no path steps. */
export const HOST_NAME_RULE = 'a name ssh accepts: no "/", "\\", "..", whitespace, control characters or any of \' ` " $ ; & < > | ( ) { }, not starting with "-"';

// OpenSSH's list of characters a host name cannot hold (a shell would read them).
const SSH_REFUSED = /['`"$;&<>|(){}]/;

/** Why `name` cannot name a host, or undefined when it can. */
export function hostNameProblem(name: string): string | undefined {
  if (name === '') return 'it is empty';
  // eslint-disable-next-line no-control-regex
  const control = /[\u0000-\u001f\u007f-\u009f]/.exec(name);
  if (control) return `it contains a control character (U+${control[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')})`;
  if (/\s/u.test(name)) return 'it contains whitespace';
  for (const c of ['/', '\\']) if (name.includes(c)) return `it contains "${c}"`;
  if (name.includes('..')) return 'it contains ".."';
  if (name.startsWith('-')) return 'it starts with "-" (ssh would read it as an option)';
  const shell = SSH_REFUSED.exec(name);
  if (shell) return `it contains "${shell[0]}"`;
  return undefined;
}

/** The problem for a host name that breaks the rule (without its location), or undefined. */
export function hostNameError(name: string): { what: string; expected: string; fix: string; code: string } | undefined {
  const why = hostNameProblem(name);
  if (why === undefined) return undefined;
  return {
    what: `invalid host name ${JSON.stringify(name)}: ${why}`,
    expected: HOST_NAME_RULE,
    fix: 'rename the host, and give its address with ansible_host (or address)',
    code: 'host-name',
  };
}

/** Why `name` cannot name a group (it names group_vars/NAME files: no path steps, no control characters), or undefined. */
export function groupNameError(name: string): { what: string; expected: string; fix: string; code: string } | undefined {
  // eslint-disable-next-line no-control-regex
  const why = name === '' ? 'it is empty' : /[\u0000-\u001f\u007f-\u009f]/.test(name) ? 'it contains a control character' : ['/', '\\', '..'].find((c) => name.includes(c));
  if (why === undefined) return undefined;
  return {
    what: `invalid group name ${JSON.stringify(name)}: ${why.startsWith('it ') ? why : `it contains "${why}"`}`,
    expected: 'a name that can name a group_vars/ file: no "/", "\\", ".." or control characters',
    fix: 'rename the group (letters, digits and _ are safe everywhere)',
    code: 'group-name',
  };
}
