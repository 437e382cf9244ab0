// become: sudo to the become user, except when the login user already is that user (sudo would change nothing).
import { describe, expect, it } from '@jest/globals';
import { moduleContext, type TaskEnv } from '../../../src/runner/task.js';
import { newHostState } from '../../../src/runner/state.js';
import { Masker } from '../../../src/shell/secret.js';
import { wrap, cmd } from '../../../src/shell/quote.js';
import { localInventory, play, task } from '../../helpers/build.js';

const env = (become: boolean, becomeUser?: string): TaskEnv => ({
  play: play([], { become, ...(becomeUser ? { becomeUser } : {}) }), playbookDir: '.', templateDirs: [], check: false, diff: false, extraVars: {},
  masker: new Masker(), verbose: 0, transport: () => Promise.reject(new Error('no transport')),
});
const host = (user: string) => newHostState({ ...localInventory(1).hosts.get('h1')!, connection: { type: 'ssh', address: '10.0.0.1', port: 22, user } });

describe('become', () => {
  it('runs through sudo when the login user is not the become user', () => {
    const ctx = moduleContext(task('t', 'command'), host('deploy'), env(true), {});
    expect(ctx.become).toEqual({ user: 'root' });
    expect(wrap(cmd('id'), ctx.become).text).toBe("sudo -n -H -u root -- /bin/sh -c id");
  });

  it('skips sudo when logged in as the become user already (root over SSH)', () => {
    expect(moduleContext(task('t', 'command'), host('root'), env(true), {}).become).toBe(false);
    expect(moduleContext(task('t', 'command'), host('bitcoin'), env(true, 'bitcoin'), {}).become).toBe(false);
  });

  it('still becomes another user from root', () => {
    expect(moduleContext(task('t', 'command'), host('root'), env(true, 'bitcoin'), {}).become).toEqual({ user: 'bitcoin' });
    expect(moduleContext(task('t', 'command', {}, { become: true, becomeUser: 'i2pd' }), host('root'), env(false), {}).become).toEqual({ user: 'i2pd' });
  });

  it('does nothing without become', () => {
    expect(moduleContext(task('t', 'command'), host('deploy'), env(false), {}).become).toBe(false);
  });
});
