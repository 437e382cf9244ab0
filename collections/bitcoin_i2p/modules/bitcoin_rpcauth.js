// bitcoin_rpcauth: the rpcauth line for bitcoin.conf, made on the control machine. The RPC password stays in a 0600
// file on the control machine (created on first use) or comes from the user; it never reaches a host, a log or a fact.
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { generateRpcPassword, loadOrCreateRpcPassword, readPasswordFile, stableRpcAuth } from '../bitcoin/rpcauth.js';
import { climbOut, defineModule, ProvisionError, z } from 'provision';
const args = z.strictObject({
    user: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only').default('provision').describe('RPC user name'),
    password_file: z
        .string()
        .min(1)
        .describe('File on the CONTROL machine holding the RPC password (mode 0600; a run creates it with a random password when missing, --check does not); ~ is your home; no ".." after a folder name'),
    password: z.string().min(12).optional().describe('The password itself, instead of password_file (give it through a secret variable or -e @file)'),
    fact: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).default('bitcoin_rpcauth').describe('Variable that receives the line (rpcauth=USER:SALT$HMAC)'),
});
/** The bitcoin_rpcauth module. */
export const bitcoin_rpcauth = defineModule({
    name: 'bitcoin_rpcauth',
    summary: 'Make the rpcauth=USER:SALT$HMAC line for bitcoin.conf on the control machine; the password never leaves it.',
    args,
    async prepare(a, ctx) {
        const written = a.password_file.replace(/^~(?=\/|$)/, homedir());
        const climb = climbOut(written);
        if (climb) {
            throw new ProvisionError({
                what: `password_file ${a.password_file} climbs out of the folder it names ("${climb.step}")`,
                expected: `a file inside ${resolve(ctx.playbookDir, climb.folder)}`,
                fix: 'check the variables the path is made from (a host name cannot hold "/" or ".."); a folder above may be named with leading ../ only',
                code: 'rpc-password-file',
            });
        }
        const file = resolve(ctx.playbookDir, written);
        let password = a.password ?? (await readPasswordFile(file));
        let passwordFile = 'kept';
        if (password === undefined) {
            // Check mode writes nothing, here either: a throwaway password stands in so later tasks can still render.
            passwordFile = ctx.check ? 'would create' : 'created';
            password = ctx.check ? generateRpcPassword() : await loadOrCreateRpcPassword(file);
        }
        ctx.masker.add(password);
        // A salt derived from the password: the same line on every run, so bitcoin.conf stays unchanged.
        return { line: stableRpcAuth(a.user, password).line, fact: a.fact, user: a.user, file, passwordFile };
    },
    plan: (r) => {
        const facts = { [r.fact]: r.line };
        const kept = `rpcauth for user ${r.user} (password kept on the control machine)`;
        if (r.passwordFile === 'kept')
            return { steps: [], changed: false, facts, note: kept };
        if (r.passwordFile === 'created')
            return { steps: [], changed: true, facts, note: `created the RPC password file ${r.file} (mode 0600); ${kept}` };
        return {
            steps: [],
            changed: true,
            facts,
            note: `would create the RPC password file ${r.file} (mode 0600) with a new random password; the rpcauth line for user ${r.user} is a stand-in until then`,
        };
    },
});
//# sourceMappingURL=bitcoin_rpcauth.js.map