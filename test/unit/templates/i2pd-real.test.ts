// The rendered i2pd.conf against the real i2pd 2.45.1, where one is at hand: i2pd exits at start on an unknown key,
// so "still running after a few seconds" is the proof. It runs in a new, empty network namespace (unshare -n, needs
// root) so it touches no network and no port of this machine. Set I2PD_BIN (and I2PD_LD_LIBRARY_PATH for a binary
// unpacked from Debian's .deb, with its boost libraries next to it) or install i2pd; otherwise it is skipped.
import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { render } from '../../../src/template/render.js';
import * as vars from './vars.js';
import { recordSkip } from '../../setup/skips.js';

const bin = process.env.I2PD_BIN ?? (existsSync('/usr/sbin/i2pd') ? '/usr/sbin/i2pd' : undefined);
const isRoot = process.getuid?.() === 0;
const skipReason = !bin ? 'no i2pd binary (set I2PD_BIN)' : !isRoot ? 'needs root for unshare -n' : undefined;
if (skipReason) recordSkip('test/unit/templates/i2pd-real.test.ts', `the rendered i2pd.conf against a real i2pd: ${skipReason} (the lab suites run it on lab hosts)`);
const maybe = skipReason ? it.skip : it;

/** Starts i2pd with the config; resolves with its exit code, or 'running' if it is still up after `ms`. */
function startsAndStays(conf: string, ms: number): Promise<{ outcome: number | 'running'; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'i2pd-real-'));
  writeFileSync(join(dir, 'i2pd.conf'), conf);
  const child = spawn('unshare', ['-n', bin!, `--conf=${join(dir, 'i2pd.conf')}`, `--datadir=${dir}`, `--tunconf=${join(dir, 'tunnels.conf')}`, '--log=stdout'], {
    env: { ...process.env, ...(process.env.I2PD_LD_LIBRARY_PATH ? { LD_LIBRARY_PATH: process.env.I2PD_LD_LIBRARY_PATH } : {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.removeAllListeners('exit');
      child.once('exit', () => { rmSync(dir, { recursive: true, force: true }); resolve({ outcome: 'running', output }); });
      child.kill('SIGTERM'); // SIGINT would wait for transit tunnels (LAB.md)
    }, ms);
    child.once('exit', (code) => {
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      resolve({ outcome: code ?? -1, output });
    });
  });
}

describe(`the real i2pd${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  const template = readFileSync(new URL('../../../templates/i2pd.conf.hbs', import.meta.url), 'utf8');

  maybe.each([['defaults', vars.i2pdDefaults], ['the variant', vars.i2pdVariant]])('starts with the i2pd.conf rendered from %s', async (_l, v) => {
    const { outcome, output } = await startsAndStays(render(template, v), 3000);
    expect({ outcome, output: outcome === 'running' ? '' : output }).toEqual({ outcome: 'running', output: '' });
  }, 15000);

  maybe('exits at once on an unknown key (so the test above can fail)', async () => {
    const { outcome, output } = await startsAndStays(`${render(template, vars.i2pdDefaults)}\nbogus = 1\n`, 3000);
    expect(outcome).toBe(1);
    expect(output).toContain("unrecognised option 'nettime.bogus'");
  }, 15000);
});
