// --json: one JSON object per line per event, for machines. Secrets are already masked by the runner.
import type { RunEvent } from '../runner/events.js';

/** A listener that writes each event as one line of JSON. */
export function jsonReporter(write: (line: string) => void): (e: RunEvent) => void {
  return (e) => write(JSON.stringify({ ...e, time: new Date().toISOString() }) + '\n');
}
