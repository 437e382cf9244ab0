import { ProvisionError } from 'provision';
/** Every reason to refuse this bitcoin.conf, each pointing at its line (an empty list when it is fine). */
export declare function checkBitcoinConf(text: string, where: {
    file: string;
    host?: string;
}): ProvisionError[];
