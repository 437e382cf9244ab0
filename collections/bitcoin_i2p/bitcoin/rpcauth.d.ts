/** A password like rpcauth.py's generate_password(): 32 random bytes, URL-safe base64 (44 characters). */
export declare function generateRpcPassword(): string;
/** HMAC-SHA256 with the salt's text as key and the password's text as message, in hex (rpcauth.py's password_to_hmac). */
export declare function rpcAuthHmac(salt: string, password: string): string;
/**
 * `rpcauth=USER:SALT$HMAC` for `user` (a new random password when none is given). The salt is 16 random bytes in hex,
 * as in rpcauth.py; pass `salt` to get the same line again for the same password (see stableRpcAuth).
 */
export declare function makeRpcAuth(user: string, password?: string, salt?: string): {
    line: string;
    password: string;
};
/**
 * The rpcauth line for a user and password that is the same on every run, so re-rendering bitcoin.conf changes
 * nothing: the salt is derived from the password (HMAC-SHA256(key=password, "rpcauth salt for USER"), first 16
 * bytes) instead of drawn at random. Bitcoin Core accepts any salt string; only the HMAC is checked.
 */
export declare function stableRpcAuth(user: string, password: string): {
    line: string;
    password: string;
};
/** True when `password` matches the `rpcauth=USER:SALT$HMAC` line (or its value) for `user`, checked like bitcoind does. */
export declare function checkRpcAuth(line: string, user: string, password: string): boolean;
/**
 * The RPC password kept in `file` on the control machine, created (32 random bytes, URL-safe base64) when the file
 * does not exist yet. The file is created with mode 0600 and appears atomically, complete or not at all; when several
 * hosts ask at once, all of them get the one password that won. The password is never printed or put in an error.
 */
export declare function loadOrCreateRpcPassword(file: string): Promise<string>;
/** The RPC password kept in `file` on the control machine, or undefined when the file does not exist (nothing is written). */
export declare function readPasswordFile(file: string): Promise<string | undefined>;
