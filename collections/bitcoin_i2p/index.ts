// The Bitcoin/I2P collection: what the i2p-node playbook needs beyond the general modules. It uses only the public
// API (`provision`), as any user's collection does.
import { defineCollection } from 'provision';
import { bitcoinConf, i2pdConf } from './checkers.js';
import { i2pLab } from './lab/extension.js';
import { bitcoin_rpcauth } from './modules/bitcoin_rpcauth.js';

/** The bundled Bitcoin Core over I2P collection. */
export default defineCollection({
  name: 'bitcoin_i2p',
  summary: 'Bitcoin Core nodes that run as I2P services: the rpcauth line, and checkers for bitcoin.conf and i2pd.conf',
  modules: [bitcoin_rpcauth],
  checkers: [bitcoinConf, i2pdConf],
  // `provision lab up --i2p`: a private I2P network among the lab's hosts, to prove a node reaches others over I2P.
  lab: [i2pLab],
});
