/** Every option name bitcoind v29 accepts (without the leading "-"). */
export declare const BITCOIN_OPTIONS: ReadonlySet<string>;
/**
 * NETWORK_ONLY options: when the chain is not main, bitcoind ignores them outside the chain's [section] and refuses
 * to start ("Config setting for -X only applied on test network when in [test] section.") unless that section sets them.
 */
export declare const NETWORK_ONLY: ReadonlySet<string>;
/** Options read as a list (every line counts); for any other option bitcoind uses the first line of bitcoin.conf. */
export declare const LIST_OPTIONS: ReadonlySet<string>;
/** Yes/no options: bitcoind reads their value as a number, so "true" means 0 (args.cpp InterpretBool). */
export declare const FLAG_OPTIONS: ReadonlySet<string>;
/** DISALLOW_NEGATION options: `noX=1` makes bitcoind refuse to start. */
export declare const NO_NEGATION: ReadonlySet<string>;
/** The chains and the [section] each one reads (util/chaintype.cpp ChainTypeToString). */
export declare const CHAINS: readonly ["main", "test", "testnet4", "signet", "regtest"];
/** A chain name bitcoind accepts in `chain=`. */
export type Chain = (typeof CHAINS)[number];
/** Networks `onlynet=` accepts (netbase.cpp GetNetworkNames). */
export declare const NETWORKS: readonly ["ipv4", "ipv6", "onion", "i2p", "cjdns"];
/** Logging categories `debug=` and `debugexclude=` accept in v29 (plus 1/all and 0/none). */
export declare const DEBUG_CATEGORIES: ReadonlySet<string>;
/** The Bitcoin Core release the option lists were taken from. */
export declare const BITCOIN_OPTIONS_VERSION = "v29";
