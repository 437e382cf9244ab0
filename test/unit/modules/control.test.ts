import { describe, expect, it } from '@jest/globals';
import { assert } from '../../../src/modules/assert.js';
import { debug, lookupVar } from '../../../src/modules/debug.js';
import { fail } from '../../../src/modules/fail.js';
import { set_fact } from '../../../src/modules/set_fact.js';
import { runModule } from '../../helpers/module-harness.js';

// Control-side modules: they decide everything in plan() and must never send a command to the host.
describe('assert', () => {
  const vars = { port: 8333, network: 'i2p', peers: ['a', 'b'] };

  it('passes when every condition holds, without touching the host', async () => {
    const r = await runModule(assert, { that: ['port == 8333', 'network in ["i2p", "tor"]', 'peers | length == 2'] }, { vars });
    expect([r.failed, r.changed, r.message, r.execs.length]).toEqual([false, false, 'All assertions passed', 0]);
  });

  it('fails on the first false condition, naming it', async () => {
    const r = await runModule(assert, { that: ['port == 8333', 'network == "tor"', 'nonsense =='] }, { vars });
    expect([r.failed, r.message]).toEqual([true, 'Assertion failed: network == "tor"']);
    expect(r.result).toMatchObject({ assertion: 'network == "tor"', evaluated_to: false });
  });

  it('uses fail_msg and success_msg, and takes a single string', async () => {
    expect((await runModule(assert, { that: 'port > 9000', fail_msg: 'port too low' }, { vars })).message).toBe('port too low');
    expect((await runModule(assert, { that: 'port > 1', success_msg: 'fine' }, { vars })).message).toBe('fine');
    expect((await runModule(assert, { that: true, quiet: true }, { vars })).message).toBeUndefined();
  });

  it('reports an undefined variable as an error, not as false', async () => {
    await expect(runModule(assert, { that: 'missing == 1' }, { vars })).rejects.toThrow('undefined variable "missing" in condition "missing == 1"');
  });
});

describe('fail', () => {
  it('fails with its message, or a default', async () => {
    expect((await runModule(fail, { msg: 'not on this host' })).message).toBe('not on this host');
    const r = await runModule(fail, {});
    expect([r.failed, r.changed, r.message, r.execs.length]).toEqual([true, false, 'Failed as requested from task', 0]);
  });
});

describe('debug', () => {
  const vars = { result: { stdout_lines: ['first', 'second'] }, 'odd key': 1 };
  it('shows a message of any shape', async () => {
    expect((await runModule(debug, { msg: ['a', 1] })).result.msg).toEqual(['a', 1]);
    expect((await runModule(debug, {})).result.msg).toBe('Hello world!');
  });
  it('shows a variable, reaching inside with dots and [n]', async () => {
    const r = await runModule(debug, { var: 'result.stdout_lines[1]' }, { vars });
    expect(r.result).toMatchObject({ 'result.stdout_lines[1]': 'second', msg: 'second', changed: false });
    expect(r.execs).toHaveLength(0);
  });
  it("says so when the variable is not defined (Ansible's words)", async () => {
    expect((await runModule(debug, { var: 'result.nope.deeper' }, { vars })).result.msg).toBe('VARIABLE IS NOT DEFINED!');
  });
  it('does not reach into prototypes', () => {
    expect(lookupVar({ a: {} }, 'a.constructor')).toBeUndefined();
  });
  it('refuses msg and var together', () => {
    expect(debug.args.safeParse({ msg: 'a', var: 'b' }).error!.issues[0].message).toBe('give msg or var, not both');
  });
});

describe('set_fact', () => {
  it('hands the values to the runner as facts, changing nothing', async () => {
    const r = await runModule(set_fact, { rpc_port: 8332, peers: ['a'] });
    expect([r.plan.facts, r.changed, r.message, r.execs.length]).toEqual([{ rpc_port: 8332, peers: ['a'] }, false, 'set rpc_port, peers', 0]);
  });
  it('refuses names that are not variable names, and an empty call', () => {
    expect(set_fact.args.safeParse({ 'bad-name': 1 }).error!.issues[0].message).toBe('"bad-name" is not a variable name (letters, digits, _; not starting with a digit)');
    expect(set_fact.args.safeParse({}).error!.issues[0].message).toBe('give at least one variable: set_fact: { name: value }');
  });
});
