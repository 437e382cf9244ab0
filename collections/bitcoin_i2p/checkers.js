// The collection's content checkers: `lint: bitcoin.conf` and `lint: i2pd.conf` on a copy or template task.
import { defineChecker } from 'provision';
import { BITCOIN_OPTIONS_VERSION } from './bitcoin/options.js';
import { checkBitcoinConf } from './bitcoin/check.js';
import { I2PD_OPTIONS_VERSION } from './i2pd/options.js';
import { checkI2pdConf } from './i2pd/check.js';
/** bitcoin.conf: every key a real option, sections and networks right, no known-fatal combination. */
export const bitcoinConf = defineChecker({
    name: 'bitcoin.conf',
    summary: `Bitcoin Core's bitcoin.conf: every key an option of Bitcoin Core ${BITCOIN_OPTIONS_VERSION}, no known-fatal combination`,
    check: checkBitcoinConf,
});
/** i2pd.conf: every key a real option of the i2pd release the lists were taken from. */
export const i2pdConf = defineChecker({
    name: 'i2pd.conf',
    summary: `i2pd's i2pd.conf: every key and section an option of i2pd ${I2PD_OPTIONS_VERSION}`,
    check: checkI2pdConf,
});
//# sourceMappingURL=checkers.js.map