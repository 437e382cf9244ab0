// bitcoin_rpcauth: the rpcauth line for bitcoin.conf, made on the control machine. The RPC password stays in a 0600
// file on the control machine (created on first use) or comes from the user; it never reaches a host, a log or a fact.
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';
import { loadOrCreateRpcPassword, stableRpcAuth } from '../bitcoin/rpcauth.js';
import { defineModule } from './define.js';

const args = z.strictObject({
  user: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only').default('provision').describe('RPC user name'),
  password_file: z
    .string()
    .min(1)
    .describe('File on the CONTROL machine holding the RPC password (mode 0600; created with a random password when missing); ~ is your home'),
  password: z.string().min(12).optional().describe('The password itself, instead of password_file (give it through a secret variable or -e @file)'),
  fact: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).default('bitcoin_rpcauth').describe('Variable that receives the line (rpcauth=USER:SALT$HMAC)'),
});

type Args = z.output<typeof args>;

/** The bitcoin_rpcauth module. */
export const bitcoin_rpcauth = defineModule<Args, { line: string; fact: string; user: string }>({
  name: 'bitcoin_rpcauth',
  summary: 'Make the rpcauth=USER:SALT$HMAC line for bitcoin.conf on the control machine; the password never leaves it.',
  args,
  async prepare(a, ctx) {
    const file = resolve(ctx.playbookDir, a.password_file.replace(/^~(?=\/|$)/, homedir()));
    const password = a.password ?? (await loadOrCreateRpcPassword(file));
    ctx.masker.add(password);
    // A salt derived from the password: the same line on every run, so bitcoin.conf stays unchanged.
    return { line: stableRpcAuth(a.user, password).line, fact: a.fact, user: a.user };
  },
  plan: (r) => ({ steps: [], changed: false, facts: { [r.fact]: r.line }, note: `rpcauth for user ${r.user} (password kept on the control machine)` }),
});
