/** The rpcauth line and how the password file fared: kept, created by this run, or (check mode) to be created. */
interface RpcAuth {
    line: string;
    fact: string;
    user: string;
    file: string;
    passwordFile: 'kept' | 'created' | 'would create';
}
/** The bitcoin_rpcauth module. */
export declare const bitcoin_rpcauth: import("provision").ModuleDef<{
    user: string;
    password_file: string;
    fact: string;
    password?: string | undefined;
}, RpcAuth, undefined>;
export {};
