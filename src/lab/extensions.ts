// The lab extensions `provision lab` offers, and how labUp plans and reports them. Collections bring them (a
// collection's `lab` list); the CLI registers those of the loaded collections, a program calls registerLabExtension.
import { ProvisionError } from '../errors.js';
import type { LabExtension, LabExtensionPlan, LabServiceHosts } from './extension.js';
import type { LabState } from './state.js';

const registered: LabExtension[] = [];

/** Makes a lab extension available to labUp and the lab commands (a later one of the same name replaces it). */
export function registerLabExtension(extension: LabExtension): void {
  const i = registered.findIndex((e) => e.name === extension.name);
  if (i >= 0) registered[i] = extension;
  else registered.push(extension);
}

/** Every registered lab extension, in the order they were registered (the order they set up and show). */
export function labExtensions(): LabExtension[] {
  return [...registered];
}

/** An extension that labUp will use, with what it will add. */
export interface PlannedExtension {
  extension: LabExtension;
  plan: LabExtensionPlan;
}

/** Plans the extensions labUp was asked for (in registration order), throwing for an unknown name or bad options. */
export function planExtensions(asked: Record<string, unknown>, lab: { name: string; hosts: number }): PlannedExtension[] {
  for (const name of Object.keys(asked)) {
    if (!labExtensions().some((e) => e.name === name)) {
      throw new ProvisionError({ what: `lab: no lab extension named "${name}"`, expected: labExtensions().map((e) => e.name).join(', '), code: 'lab-extension' });
    }
  }
  return labExtensions().filter((e) => asked[e.name] !== undefined).map((extension) => ({ extension, plan: extension.plan(asked[extension.name], lab) }));
}

/** The extensions a lab uses (those its state names), in registration order. */
export function extensionsOf(state: LabState): LabExtension[] {
  return labExtensions().filter((e) => state.extensions && e.name in state.extensions);
}

/** The service hosts of the planned extensions, each group once. */
export function serviceHostsOf(planned: PlannedExtension[]): LabServiceHosts[] {
  return planned.flatMap((p) => (p.plan.serviceHosts ? [p.plan.serviceHosts] : []));
}

/** " and 2 relay(s)" for each group of service hosts, naming them by `noun` or `label`. */
export function serviceHostsText(groups: LabServiceHosts[], by: 'noun' | 'label'): string {
  return groups.map((g) => ` and ${g.names.length} ${g[by]}(s)`).join('');
}

/** What the extensions a lab uses add to its LabInfo, by extension name. */
export function extensionInfo(state: LabState): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const e of extensionsOf(state)) {
    const info = e.info?.(state);
    if (info !== undefined) out[e.name] = info;
  }
  return out;
}

/** How `lab status` tags a service host of this role (its extension's `roles`), or the role itself. */
export function roleTag(role: string): string {
  return labExtensions().map((e) => e.roles?.[role]).find((t) => t !== undefined) ?? role;
}
