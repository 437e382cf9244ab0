// Every option bitcoind of Bitcoin Core v29 accepts in bitcoin.conf, and how its args handling treats each one.
//
// Sources (bitcoin/bitcoin, v29 branch): doc/man/bitcoind.1 of v29.1.0rc2 (the options `bitcoind -help` shows);
// src/init.cpp SetupServerArgs, src/init/common.cpp AddLoggingArgs, src/chainparamsbase.cpp
// SetupChainParamsBaseOptions and src/wallet/init.cpp AddWalletOptions for the DEBUG_ONLY and hidden options the
// help leaves out and for the NETWORK_ONLY / DISALLOW_NEGATION flags; src/common/args.cpp and src/common/config.cpp
// for how bitcoin.conf is read. bitcoind only logs "Ignoring unknown configuration value" for any other key.

const words = (s: string) => s.trim().split(/\s+/);

/** Options bitcoind -help lists (v29.1), by the help's groups. */
const documented = words(`
  alertnotify allowignoredconf assumevalid blockfilterindex blocknotify blockreconstructionextratxn blocksdir
  blocksonly blocksxor coinstatsindex conf daemon daemonwait datadir dbcache debuglogfile help includeconf loadblock
  maxmempool maxorphantx mempoolexpiry par persistmempool persistmempoolv1 pid prune reindex reindex-chainstate
  settings shutdownnotify startupnotify txindex version
  addnode asmap bantime bind cjdnsreachable connect discover dns dnsseed externalip fixedseeds forcednsseed
  i2pacceptincoming i2psam listen listenonion maxconnections maxreceivebuffer maxsendbuffer maxuploadtarget natpmp
  networkactive onion onlynet peerblockfilters peerbloomfilters port proxy proxyrandomize seednode timeout torcontrol
  torpassword v2transport whitebind whitelist
  addresstype avoidpartialspends changetype consolidatefeerate disablewallet discardfee fallbackfee keypool maxapsfee
  mintxfee paytxfee signer spendzeroconfchange txconfirmtarget wallet walletbroadcast walletdir walletnotify walletrbf
  zmqpubhashblock zmqpubhashblockhwm zmqpubhashtx zmqpubhashtxhwm zmqpubrawblock zmqpubrawblockhwm zmqpubrawtx
  zmqpubrawtxhwm zmqpubsequence zmqpubsequencehwm
  debug debugexclude help-debug logips loglevelalways logsourcelocations logthreadnames logtimestamps maxtxfee
  printtoconsole shrinkdebugfile uacomment
  chain signet signetchallenge signetseednode testnet testnet4
  bytespersigop datacarrier datacarriersize minrelaytxfee permitbaremultisig whitelistforcerelay whitelistrelay
  blockmaxweight blockmintxfee blockreservedweight
  rest rpcallowip rpcauth rpcbind rpccookiefile rpccookieperms rpcpassword rpcport rpcthreads rpcuser rpcwhitelist
  rpcwhitelistdefault server`);

/** DEBUG_ONLY options (shown only by -help-debug) and hidden ones: real, accepted, rarely wanted. */
const debugOnly = words(`
  fastprune dbbatchsize minimumchainwork txreconciliation peertimeout checkblocks checklevel checkblockindex
  checkaddrman checkmempool deprecatedrpc stopafterblockimport stopatheight limitancestorcount limitancestorsize
  limitdescendantcount limitdescendantsize test capturemessages mocktime maxsigcachesize maxtipage printpriority
  acceptnonstdtxn incrementalrelayfee dustrelayfee acceptstalefeeestimates blockversion rpcdoccheck
  rpcservertimeout rpcworkqueue loglevel logtimemicros regtest testactivationheight vbparams
  dblogsize flushwallet privdb swapbdbendian unsafesqlitesync walletrejectlongchains walletcrosschain`);
const hidden = words('h ? dbcrashratio forcecompactdb choosedatadir lang min resetguisettings splash uiplatform upnp checkpoints');

/** Every option name bitcoind v29 accepts (without the leading "-"). */
export const BITCOIN_OPTIONS: ReadonlySet<string> = new Set([...documented, ...debugOnly, ...hidden]);

/**
 * NETWORK_ONLY options: when the chain is not main, bitcoind ignores them outside the chain's [section] and refuses
 * to start ("Config setting for -X only applied on test network when in [test] section.") unless that section sets them.
 */
export const NETWORK_ONLY: ReadonlySet<string> = new Set(words('addnode bind connect port rpcbind rpcport wallet walletdir'));

/** Options read as a list (every line counts); for any other option bitcoind uses the first line of bitcoin.conf. */
export const LIST_OPTIONS: ReadonlySet<string> = new Set(words(`
  addnode bind connect debug debugexclude externalip loadblock onlynet rpcallowip rpcauth rpcbind rpcwhitelist
  seednode uacomment wallet whitebind whitelist deprecatedrpc test signetseednode signetchallenge includeconf
  loglevel blockfilterindex vbparams testactivationheight shutdownnotify
  zmqpubhashblock zmqpubhashtx zmqpubrawblock zmqpubrawtx zmqpubsequence`));

/** Yes/no options: bitcoind reads their value as a number, so "true" means 0 (args.cpp InterpretBool). */
export const FLAG_OPTIONS: ReadonlySet<string> = new Set(words(`
  allowignoredconf blocksonly blocksxor coinstatsindex daemon daemonwait persistmempool persistmempoolv1 reindex
  reindex-chainstate txindex cjdnsreachable discover dns dnsseed fixedseeds forcednsseed i2pacceptincoming listen
  listenonion natpmp networkactive peerblockfilters peerbloomfilters proxyrandomize v2transport avoidpartialspends
  disablewallet spendzeroconfchange walletbroadcast walletrbf logips loglevelalways logsourcelocations logthreadnames
  logtimestamps printtoconsole shrinkdebugfile signet testnet testnet4 regtest datacarrier permitbaremultisig
  whitelistforcerelay whitelistrelay rest server rpcwhitelistdefault fastprune txreconciliation stopafterblockimport
  capturemessages printpriority acceptnonstdtxn acceptstalefeeestimates rpcdoccheck logtimemicros flushwallet privdb
  swapbdbendian unsafesqlitesync walletrejectlongchains walletcrosschain upnp`));

/** DISALLOW_NEGATION options: `noX=1` makes bitcoind refuse to start. */
export const NO_NEGATION: ReadonlySet<string> = new Set(words('datadir loglevel signetchallenge signetseednode'));

/** The chains and the [section] each one reads (util/chaintype.cpp ChainTypeToString). */
export const CHAINS = ['main', 'test', 'testnet4', 'signet', 'regtest'] as const;

/** A chain name bitcoind accepts in `chain=`. */
export type Chain = (typeof CHAINS)[number];

/** Networks `onlynet=` accepts (netbase.cpp GetNetworkNames). */
export const NETWORKS = ['ipv4', 'ipv6', 'onion', 'i2p', 'cjdns'] as const;

/** Logging categories `debug=` and `debugexclude=` accept in v29 (plus 1/all and 0/none). */
export const DEBUG_CATEGORIES: ReadonlySet<string> = new Set(words(`
  addrman bench blockstorage cmpctblock coindb estimatefee http i2p ipc leveldb libevent mempool mempoolrej net proxy
  prune qt rand reindex rpc scan selectcoins tor txpackages txreconciliation validation walletdb zmq 1 all 0 none`));

/** The Bitcoin Core release the option lists were taken from. */
export const BITCOIN_OPTIONS_VERSION = 'v29';
