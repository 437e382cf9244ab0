// Rolling batches (`serial`) and the failure thresholds that stop them: pure functions, tested as tables.
import { ProvisionError } from '../errors.js';

/** Splits hosts into batches as Ansible's `serial` does: sizes are numbers or "N%", the last size repeats. */
export function splitBatches(hosts: string[], serial: (number | string)[]): string[][] {
  if (serial.length === 0 || hosts.length === 0) return hosts.length ? [hosts] : [];
  const sizes = serial.map((s) => batchSize(s, hosts.length));
  const batches: string[][] = [];
  let i = 0;
  let k = 0;
  while (i < hosts.length) {
    const size = sizes[Math.min(k, sizes.length - 1)];
    batches.push(hosts.slice(i, i + size));
    i += size;
    k++;
  }
  return batches;
}

/** One serial entry as a host count (percentages round down, never below 1). */
export function batchSize(entry: number | string, total: number): number {
  if (typeof entry === 'number') {
    if (!Number.isInteger(entry) || entry < 1) throw badSerial(entry);
    return entry;
  }
  const m = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(entry);
  if (m) return Math.max(1, Math.floor((Number(m[1]) / 100) * total));
  if (/^\s*\d+\s*$/.test(entry) && Number(entry) >= 1) return Number(entry);
  throw badSerial(entry);
}

function badSerial(entry: number | string): ProvisionError {
  return new ProvisionError({
    what: 'invalid serial batch size',
    expected: 'a whole number of hosts (1 or more) or a percentage like "30%"',
    got: JSON.stringify(entry),
    code: 'serial',
  });
}

/**
 * Whether a batch must stop after a task: with any_errors_fatal on any failure, with max_fail_percentage when the
 * share of failed hosts in the batch is above it (as Ansible: strictly greater), and always when no host is left.
 */
export function shouldAbort(opts: {
  batchSize: number;
  failedInBatch: number;
  anyErrorsFatal: boolean;
  maxFailPercentage?: number;
}): string | undefined {
  const { batchSize: size, failedInBatch: failed } = opts;
  if (failed === 0) return undefined;
  if (opts.anyErrorsFatal) return 'any_errors_fatal: a host failed';
  if (failed >= size) return 'every host of the batch failed';
  if (opts.maxFailPercentage !== undefined && (failed / size) * 100 > opts.maxFailPercentage) {
    return `max_fail_percentage ${opts.maxFailPercentage}% exceeded: ${failed} of ${size} hosts failed`;
  }
  return undefined;
}
