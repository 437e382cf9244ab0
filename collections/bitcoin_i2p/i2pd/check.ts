// Checks a rendered i2pd.conf on the control machine, before it reaches a host: i2pd reads it with
// boost::program_options and exits at start on an unknown key, a repeated key, a bad value or a malformed line.
import { closest, ProvisionError } from 'provision';
import { I2PD_OPTIONS, I2PD_OPTIONS_VERSION } from './options.js';

/** One `key = value` line of an i2pd.conf, with the key in its full `section.key` form. */
export interface I2pdConfEntry {
  key: string;
  value: string;
  line: number;
}

const BOOL_WORDS = new Set(['true', 'false', 'yes', 'no', 'on', 'off', '1', '0', '']);

/** Splits an i2pd.conf the way boost's parse_config_file does; lines it cannot read are returned as `bad`. */
export function parseI2pdConf(text: string): { entries: I2pdConfEntry[]; bad: { line: number; text: string }[] } {
  const entries: I2pdConfEntry[] = [];
  const bad: { line: number; text: string }[] = [];
  let prefix = '';
  text.split('\n').forEach((raw, i) => {
    const hash = raw.indexOf('#');
    const s = (hash >= 0 ? raw.slice(0, hash) : raw).trim();
    if (s === '') return;
    if (s.startsWith('[') && s.endsWith(']')) {
      prefix = `${s.slice(1, -1).trim()}.`;
    } else if (s.includes('=')) {
      const eq = s.indexOf('=');
      entries.push({ key: prefix + s.slice(0, eq).trim(), value: s.slice(eq + 1).trim(), line: i + 1 });
    } else {
      bad.push({ line: i + 1, text: s });
    }
  });
  return { entries, bad };
}

/** Every reason the given i2pd.conf would make i2pd 2.45.1 exit at start (an empty list when it is fine). */
export function checkI2pdConf(text: string, where: { file: string; host?: string }): ProvisionError[] {
  const { entries, bad } = parseI2pdConf(text);
  const at = (line: number) => ({ file: where.file, line, ...(where.host ? { host: where.host } : {}) });
  const errors: ProvisionError[] = [];
  for (const b of bad) {
    errors.push(new ProvisionError({
      what: `line "${b.text}" is neither "key = value" nor a [section]: i2pd exits at start on it`,
      where: at(b.line),
      fix: 'write it as "key = value", or start it with # to make it a comment',
      code: 'i2pd-conf-syntax',
    }));
  }
  const seen = new Map<string, number>();
  for (const e of entries) {
    const kind = I2PD_OPTIONS.get(e.key);
    if (!kind) {
      const guess = closest(e.key, I2PD_OPTIONS.keys());
      errors.push(new ProvisionError({
        what: `unknown i2pd option "${e.key}": i2pd ${I2PD_OPTIONS_VERSION} exits at start on an unknown key`,
        where: at(e.line),
        fix: guess ? `did you mean "${guess}"?` : `remove it (collections/bitcoin_i2p/i2pd/options.ts lists what i2pd ${I2PD_OPTIONS_VERSION} accepts)`,
        code: 'i2pd-conf-unknown',
      }));
      continue;
    }
    const first = seen.get(e.key);
    if (first !== undefined) {
      errors.push(new ProvisionError({
        what: `"${e.key}" is set twice (lines ${first} and ${e.line}): i2pd exits at start on a repeated key`,
        where: at(e.line),
        fix: 'keep only one of the two lines',
        code: 'i2pd-conf-repeated',
      }));
    } else {
      seen.set(e.key, e.line);
    }
    const problem = badValue(e.key, kind, e.value);
    if (problem) errors.push(new ProvisionError({ ...problem, where: at(e.line), got: e.value, code: 'i2pd-conf-value' }));
  }
  return errors;
}

function badValue(key: string, kind: string, value: string): { what: string; fix: string } | undefined {
  if (kind === 'bool' && !BOOL_WORDS.has(value.toLowerCase())) {
    return { what: `"${key}" takes true or false: i2pd exits at start on anything else`, fix: `write ${key} = true or ${key} = false` };
  }
  if (kind === 'number' && !/^\d+$/.test(value)) {
    return { what: `"${key}" takes a whole number: i2pd exits at start on anything else`, fix: `write a number, e.g. ${key} = 0` };
  }
  // i2pd does not exit on a bad bandwidth: it logs "Unexpected bandwidth" and silently falls back to L (32 KB/s).
  if (key === 'bandwidth' && !/^([KLMNOPX]|[1-9]\d*)?$/.test(value)) {
    return { what: '"bandwidth" takes a class letter (L, O, P, X) or KB/s: i2pd silently falls back to L (32 KB/s) otherwise', fix: 'write bandwidth = L, O, P, X or a number of KB/s' };
  }
  return undefined;
}
