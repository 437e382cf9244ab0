import { ProvisionError } from 'provision';
/** One `key = value` line of an i2pd.conf, with the key in its full `section.key` form. */
export interface I2pdConfEntry {
    key: string;
    value: string;
    line: number;
}
/** Splits an i2pd.conf the way boost's parse_config_file does; lines it cannot read are returned as `bad`. */
export declare function parseI2pdConf(text: string): {
    entries: I2pdConfEntry[];
    bad: {
        line: number;
        text: string;
    }[];
};
/** Every reason the given i2pd.conf would make i2pd 2.45.1 exit at start (an empty list when it is fine). */
export declare function checkI2pdConf(text: string, where: {
    file: string;
    host?: string;
}): ProvisionError[];
