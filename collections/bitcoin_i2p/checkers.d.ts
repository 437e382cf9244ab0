/** bitcoin.conf: every key a real option, sections and networks right, no known-fatal combination. */
export declare const bitcoinConf: import("provision").ContentChecker;
/** i2pd.conf: every key a real option of the i2pd release the lists were taken from. */
export declare const i2pdConf: import("provision").ContentChecker;
