import { type Chain } from './options.js';
/** One `key=value` line: `section` is '' above the first [section]; `name` is without a `no` prefix. */
export interface ConfEntry {
    section: string;
    name: string;
    negated: boolean;
    value: string;
    line: number;
    /** The key as written, e.g. `nolisten` or `test.addnode`. */
    written: string;
}
/** A line bitcoind refuses to parse. */
export interface ConfSyntaxProblem {
    line: number;
    text: string;
    kind: 'leading-dash' | 'no-equals';
}
/** bitcoin.conf as bitcoind reads it. */
export interface ParsedConf {
    entries: ConfEntry[];
    sections: {
        name: string;
        line: number;
    }[];
    syntax: ConfSyntaxProblem[];
}
/** Splits bitcoin.conf into entries: `#` starts a comment anywhere, `[x]` opens a section, `x.key=` names one. */
export declare function parseBitcoinConf(text: string): ParsedConf;
/** args.cpp InterpretBool: empty is true, otherwise the leading integer (so "true" and "yes" are 0). */
export declare function interpretBool(value: string): boolean;
/** The chain-selecting lines above the first section (GetChainArg reads nothing else). */
export declare function chainSelectors(conf: ParsedConf): ConfEntry[];
/** The chain bitcoind would run (main when nothing selects one); the raw value when `chain=` names no known chain. */
export declare function selectedChain(conf: ParsedConf): Chain | string;
/** True when `chain` is one bitcoind knows. */
export declare function isChain(chain: string): chain is Chain;
/**
 * The values bitcoind uses for `name` on `chain` (settings.cpp GetSetting / GetSettingsList): the chain's section
 * first, then the top section (skipped for network-only options unless the chain is main). A single-value option
 * yields only its first value; a negation (`noX`) drops what came before it and reads as "0".
 */
export declare function effective(conf: ParsedConf, chain: string, name: string): {
    value: string;
    line: number;
}[];
/** The value bitcoind's GetBoolArg would see for `name`, or undefined when it is not set. */
export declare function effectiveBool(conf: ParsedConf, chain: string, name: string): boolean | undefined;
