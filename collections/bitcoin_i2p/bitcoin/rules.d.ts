import { type ProblemInfo } from 'provision';
import { type Chain } from './options.js';
import { type ParsedConf } from './parse.js';
/** A problem found in bitcoin.conf, at a line. */
export type Problem = Omit<ProblemInfo, 'where'> & {
    line: number;
};
/** Problems of combinations and values, judged on the settings bitcoind would use for `chain`. */
export declare function combinationProblems(conf: ParsedConf, chain: Chain): Problem[];
