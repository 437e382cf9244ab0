// The rendered i2pd.conf against the real i2pd of Debian (from the lab's repository, in a private chroot lab host):
// i2pd exits at start on an unknown key, so "still running after 3 seconds" is the proof that it took every key.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { labExec } from '../../src/lab/index.js';
import { render } from '../../src/template/render.js';
import * as vars from '../unit/templates/vars.js';
import { faultsLab, type FaultsLab } from './faults-helpers.js';
import { describeLab } from './shared-lab.js';

// i2pd with the config on stdin, in a folder of its own. timeout exits 124 when it had to stop i2pd after 3 s with
// TERM, 137 when i2pd outlived TERM for a second (it can take 30 s to stop while it tries to reseed) and was killed:
// either way i2pd was still running after 3 s.
const START = `d=$(mktemp -d) && cat > "$d/i2pd.conf" || exit 99
timeout -k 1 3 i2pd --conf="$d/i2pd.conf" --datadir="$d" --tunconf="$d/tunnels.conf" --log=stdout > "$d/out" 2>&1
rc=$?; cat "$d/out"; rm -rf "$d"; echo "rc=$rc"`;

describeLab('the real i2pd with the rendered i2pd.conf (private chroot lab)', () => {
  const template = readFileSync('templates/i2pd.conf.hbs', 'utf8');
  let lab: FaultsLab;
  let host: string;

  beforeAll(async () => {
    lab = await faultsLab('i2pdreal', 1);
    host = lab.hosts[0].name;
    // A chroot host starts no service on install: i2pd is only installed here.
    const install = await lab.sh(host, 'apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q i2pd >/dev/null && i2pd --version | head -n 1', 120_000);
    expect(install).toMatchObject({ code: 0, stdout: expect.stringMatching(/^i2pd version 2\./) });
  }, 240_000);

  afterAll(async () => {
    await lab?.down();
  }, 60_000);

  const start = async (conf: string) => {
    const r = await labExec(lab.name, host, ['sh', '-c', START], { input: conf, timeoutMs: 60_000 });
    return { rc: /rc=(\d+)\n$/.exec(r.stdout)?.[1], output: r.stdout };
  };

  it.each([['defaults', vars.i2pdDefaults], ['the variant', vars.i2pdVariant]])('starts with the i2pd.conf rendered from %s', async (_l, v) => {
    const { rc, output } = await start(render(template, v));
    const running = rc === '124' || rc === '137';
    expect({ running, output: running ? '' : output }).toEqual({ running: true, output: '' });
  }, 60_000);

  it('exits at once on an unknown key (so the test above can fail)', async () => {
    const { rc, output } = await start(`${render(template, vars.i2pdDefaults)}\nbogus = 1\n`);
    expect(rc).toBe('1');
    expect(output).toContain("unrecognised option 'nettime.bogus'");
  }, 60_000);
});
