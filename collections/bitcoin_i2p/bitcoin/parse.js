// Reads bitcoin.conf the way Bitcoin Core does (src/common/config.cpp GetConfigOptions, src/common/args.cpp
// InterpretKey and GetChainArg), so the checker sees exactly the settings bitcoind would see.
import { CHAINS, LIST_OPTIONS, NETWORK_ONLY } from './options.js';
/** Splits bitcoin.conf into entries: `#` starts a comment anywhere, `[x]` opens a section, `x.key=` names one. */
export function parseBitcoinConf(text) {
    const entries = [];
    const sections = [];
    const syntax = [];
    let prefix = '';
    text.split('\n').forEach((raw, i) => {
        const line = i + 1;
        const hash = raw.indexOf('#');
        const s = (hash >= 0 ? raw.slice(0, hash) : raw).replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
        if (s === '')
            return;
        if (s.startsWith('[') && s.endsWith(']')) {
            sections.push({ name: s.slice(1, -1), line });
            prefix = `${s.slice(1, -1)}.`;
        }
        else if (s.startsWith('-')) {
            syntax.push({ line, text: s, kind: 'leading-dash' });
        }
        else if (s.includes('=')) {
            const eq = s.indexOf('=');
            const full = prefix + s.slice(0, eq).trim();
            const dot = full.indexOf('.');
            const section = dot >= 0 ? full.slice(0, dot) : '';
            let name = dot >= 0 ? full.slice(dot + 1) : full;
            const negated = name.startsWith('no');
            if (negated)
                name = name.slice(2);
            entries.push({ section, name, negated, value: s.slice(eq + 1).trim(), line, written: s.slice(0, eq).trim() });
            if (dot >= 0 && prefix.length <= dot)
                sections.push({ name: section, line });
        }
        else {
            syntax.push({ line, text: s, kind: 'no-equals' });
        }
    });
    return { entries, sections, syntax };
}
/** args.cpp InterpretBool: empty is true, otherwise the leading integer (so "true" and "yes" are 0). */
export function interpretBool(value) {
    if (value === '')
        return true;
    const m = /^\s*[+-]?\d+/.exec(value);
    return m !== null && Number(m[0]) !== 0 && /^\s*[+-]?\d+$/.test(value);
}
/** The chain-selecting lines above the first section (GetChainArg reads nothing else). */
export function chainSelectors(conf) {
    return conf.entries.filter((e) => e.section === '' && ['chain', 'regtest', 'signet', 'testnet', 'testnet4'].includes(e.name) && (e.name === 'chain' ? !e.negated : !e.negated && interpretBool(e.value)));
}
/** The chain bitcoind would run (main when nothing selects one); the raw value when `chain=` names no known chain. */
export function selectedChain(conf) {
    const first = chainSelectors(conf)[0];
    if (!first)
        return 'main';
    if (first.name === 'chain')
        return first.value;
    return first.name === 'testnet' ? 'test' : first.name;
}
/** True when `chain` is one bitcoind knows. */
export function isChain(chain) {
    return CHAINS.includes(chain);
}
/**
 * The values bitcoind uses for `name` on `chain` (settings.cpp GetSetting / GetSettingsList): the chain's section
 * first, then the top section (skipped for network-only options unless the chain is main). A single-value option
 * yields only its first value; a negation (`noX`) drops what came before it and reads as "0".
 */
export function effective(conf, chain, name) {
    const sources = [chain, ...(chain === 'main' || !NETWORK_ONLY.has(name) ? [''] : [])];
    const result = [];
    for (const section of sources) {
        const span = conf.entries.filter((e) => e.section === section && e.name === name);
        if (span.length === 0)
            continue;
        let lastNegation = -1;
        span.forEach((e, i) => { if (e.negated)
            lastNegation = i; });
        const kept = span.slice(lastNegation + 1).map((e) => ({ value: e.value, line: e.line }));
        if (!LIST_OPTIONS.has(name))
            return lastNegation >= 0 && kept.length === 0 ? [{ value: '0', line: span[lastNegation].line }] : kept.slice(0, 1);
        result.push(...kept);
        if (lastNegation >= 0)
            break;
    }
    return result;
}
/** The value bitcoind's GetBoolArg would see for `name`, or undefined when it is not set. */
export function effectiveBool(conf, chain, name) {
    const [first] = effective(conf, chain, name);
    return first === undefined ? undefined : interpretBool(first.value);
}
//# sourceMappingURL=parse.js.map