/** The kind of value an i2pd option takes: boost reads bools as true/false/yes/no/on/off/1/0. */
export type I2pdOptionKind = 'bool' | 'number' | 'string';
/** Every key i2pd 2.45.1 accepts (`section.key` for keys under a `[section]`), with the kind of value it takes. */
export declare const I2PD_OPTIONS: ReadonlyMap<string, I2pdOptionKind>;
/** The i2pd version the option list was taken from. */
export declare const I2PD_OPTIONS_VERSION = "2.45.1";
