// The I2P lab extension (`lab up --i2p`, `lab i2p-check`): the lab's own private I2P network. Its public entry.
export { labI2pProbe, labI2pRouters, labI2pTunnelsReady } from './api.js';
export { i2pInfo, i2pInventory, i2pLab, type I2pLabInfo, type I2pLabOptions } from './extension.js';
export { DEFAULT_FLOODFILLS, I2P_NETID, RESEED_ZIP_PATH } from './network.js';
export type { ProbeOptions, ProbeResult, ProbeTry } from './probe.js';
