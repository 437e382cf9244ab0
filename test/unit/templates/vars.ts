// The variable sets the template tests render with: the defaults (only what is required) and a variant that sets
// everything, shaped like the lab's private I2P network (LAB.md) and a signet node.
import { stableRpcAuth } from '../../../collections/bitcoin_i2p/bitcoin/rpcauth.js';

/** A .b32.i2p host name (52 base32 characters). */
export const PEER_A = `${'a'.repeat(51)}q.b32.i2p`;
/** Another one. */
export const PEER_B = `${'b'.repeat(50)}7x.b32.i2p`;

/** i2pd.conf with only the required variable. */
export const i2pdDefaults = { i2pd_port: 23456 };

/** i2pd.conf for a floodfill router of the lab's private network (netid 78, IPv4 + IPv6, reseed from a zip). */
export const i2pdVariant = {
  i2pd_port: 27001,
  i2pd_ipv4: true,
  i2pd_ipv6: 'yes',
  i2pd_host: '10.77.0.11',
  i2pd_address4: '10.77.0.11',
  i2pd_address6: '3fff:78::11',
  i2pd_nat: false,
  i2pd_bandwidth: 'X',
  i2pd_share: 50,
  i2pd_notransit: false,
  i2pd_floodfill: true,
  i2pd_netid: 78,
  i2pd_loglevel: 'info',
  i2pd_ntcp2_enabled: true,
  i2pd_ntcp2_published: true,
  i2pd_ssu2_enabled: true,
  i2pd_ssu2_published: 'false',
  i2pd_http_enabled: true,
  i2pd_http_address: '127.0.0.1',
  i2pd_http_port: 7071,
  i2pd_http_auth: true,
  i2pd_http_user: 'admin',
  i2pd_http_pass: 'console-pass',
  i2pd_httpproxy_enabled: false,
  i2pd_socksproxy_enabled: true,
  i2pd_sam_enabled: true,
  i2pd_sam_address: '127.0.0.1',
  i2pd_sam_port: 7657,
  i2pd_reseed_verify: false,
  i2pd_reseed_urls: [],
  i2pd_reseed_yggurls: [],
  i2pd_reseed_zipfile: '/var/lib/i2pd/lab-seed.zip',
  i2pd_reseed_threshold: 1,
  i2pd_limits_transittunnels: 2000,
  i2pd_nettime_enabled: false,
};

/** bitcoin.conf with no variables at all. */
export const bitcoinDefaults = {};

/** The RPC password of the variant (as if read from the control machine's 0600 file). */
export const VARIANT_RPC_PASSWORD = 'hunter2-for-tests-only';

/** bitcoin.conf for a pruned signet node, I2P only, outbound only, with two I2P peers and extra options. */
export const bitcoinVariant = {
  bitcoin_chain: 'signet',
  bitcoin_server: true,
  bitcoin_rpcauth: stableRpcAuth('verify', VARIANT_RPC_PASSWORD).line,
  bitcoin_rpcport: 38400,
  bitcoin_rpcbind: ['127.0.0.1'],
  bitcoin_rpcallowip: '127.0.0.1',
  bitcoin_i2psam: '127.0.0.1:7657',
  bitcoin_i2pacceptincoming: false,
  bitcoin_onlynet: 'i2p',
  bitcoin_debug: ['i2p', 'net'],
  bitcoin_addnode: [`${PEER_A}:0`, `${PEER_B}:0`],
  bitcoin_prune: 550,
  bitcoin_txindex: false,
  bitcoin_dbcache: 300,
  bitcoin_extra_options: { maxconnections: 20, blocksonly: true, peerbloomfilters: false, uacomment: ['lab', 'node1'] },
};

/** bitcoind.service with no variables at all. */
export const serviceDefaults = {};

/** bitcoind.service for a binary and directories somewhere else. */
export const serviceVariant = {
  bitcoin_bin: '/opt/bitcoin-29.1/bin/bitcoind',
  bitcoin_conf_path: '/etc/bitcoin-signet/bitcoin.conf',
  bitcoin_datadir: '/srv/bitcoind',
  bitcoin_user: 'btc',
  bitcoin_group: 'btc',
};
