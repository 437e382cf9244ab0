// Finding a lab host by name or address, in one lab or in every lab on this machine.
import { ProvisionError } from '../errors.js';
import { assertLabName, assertLinuxRoot } from './checks.js';
import { listLabs, readState, type HostState, type LabState } from './state.js';

/** The labs a command looks at: the one named (checked), or every lab on this machine. */
export async function labsNamed(name: string | undefined): Promise<string[]> {
  assertLinuxRoot();
  if (name !== undefined) assertLabName(name);
  return name ? [name] : await listLabs();
}

/** A host of a lab (of any lab when no name is given), or a ProvisionError naming the hosts that exist. */
export async function findHost(name: string | undefined, host: string): Promise<HostState & { lab: LabState }> {
  const labs = await labsNamed(name);
  const known: string[] = [];
  for (const n of labs) {
    const state = await readState(n);
    if (!state) continue;
    const h = state.hosts.find((x) => x.name === host || x.address === host);
    if (h) return { ...h, lab: state };
    known.push(...state.hosts.map((x) => x.name));
  }
  if (name && !labs.length) throw noLab(name);
  if (name && !(await readState(name))) throw noLab(name);
  if (!known.length && !name) throw new ProvisionError({ what: 'lab: no lab is up', fix: 'provision lab up', code: 'lab-missing' });
  throw new ProvisionError({ what: `lab${name ? ` ${name}` : ''}: no host "${host}"`, expected: known.join(', '), code: 'lab-no-host' });
}

function noLab(name: string): ProvisionError {
  return new ProvisionError({ what: `lab: no lab named "${name}" is up`, fix: 'provision lab status lists the labs; provision lab up starts one', code: 'lab-missing' });
}
