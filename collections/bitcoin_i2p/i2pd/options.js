// Every option i2pd 2.45.1 (Debian 12's package, 2.45.1-1) accepts in i2pd.conf, with the kind of value it takes.
//
// Source: the option table of PurpleI2P/i2pd libi2pd/Config.cpp (`i2p::config::Init`) as built into 2.45.1, taken
// from `i2pd --help` of Debian's i2pd_2.45.1-1_amd64.deb (153 options) rather than from a newer Config.cpp: later
// releases added keys (http.showTotalTCSR, sam.portudp, limits.zombies, httpproxy.senduseragent, the
// *.i2p.streaming.* keys, ...) that make 2.45.1 exit with "unrecognised option". i2pd reads its config file with
// boost::program_options, which refuses unknown keys, repeated keys and malformed values — every one is fatal.
const words = (s) => s.trim().split(/\s+/);
// Keys of the top section, then `section.key` (a `[section]` header followed by `key = value` means the same thing).
const bool = words(`
  help version logclftime nat ipv4 ipv6 reservedrange daemon service notransit floodfill ntcp ssu
  http.enabled http.auth http.strictheaders
  httpproxy.enabled httpproxy.addresshelper
  socksproxy.enabled socksproxy.outproxy.enabled
  sam.enabled sam.singlethread
  bob.enabled i2cp.enabled i2cp.singlethread i2pcontrol.enabled upnp.enabled precomputation.elgamal
  reseed.verify addressbook.enabled trust.enabled trust.hidden websockets.enabled
  ntcp2.enabled ntcp2.published ssu2.enabled ssu2.published
  nettime.enabled nettime.frompeers persist.profiles persist.addressbook
  cpuext.aesni cpuext.avx cpuext.force meshnets.yggdrasil unix.handle_sigtstp`);
const number = words(`
  port netid share
  limits.coresize limits.openfiles limits.transittunnels limits.ntcpsoft limits.ntcphard limits.ntcpthreads
  http.port httpproxy.port httpproxy.signaturetype
  socksproxy.port socksproxy.signaturetype socksproxy.outproxyport
  sam.port bob.port i2cp.port i2pcontrol.port reseed.threshold websockets.port
  exploratory.inbound.length exploratory.outbound.length exploratory.inbound.quantity exploratory.outbound.quantity
  ntcp2.port ssu2.port ssu2.mtu4 ssu2.mtu6 nettime.ntpsyncinterval`);
const string = words(`
  conf tunconf tunnelsdir certsdir pidfile log logfile loglevel family datadir host ifname ifname4 ifname6
  address4 address6 bandwidth ntcpproxy
  http.address http.user http.pass http.hostname http.webroot http.lang
  httpproxy.address httpproxy.keys httpproxy.inbound.length httpproxy.outbound.length httpproxy.inbound.quantity
  httpproxy.outbound.quantity httpproxy.inbound.lengthVariance httpproxy.outbound.lengthVariance
  httpproxy.latency.min httpproxy.latency.max httpproxy.outproxy httpproxy.i2cp.leaseSetType
  httpproxy.i2cp.leaseSetEncType httpproxy.i2cp.leaseSetPrivKey
  socksproxy.address socksproxy.keys socksproxy.inbound.length socksproxy.outbound.length
  socksproxy.inbound.quantity socksproxy.outbound.quantity socksproxy.inbound.lengthVariance
  socksproxy.outbound.lengthVariance socksproxy.latency.min socksproxy.latency.max socksproxy.outproxy
  socksproxy.i2cp.leaseSetType socksproxy.i2cp.leaseSetEncType socksproxy.i2cp.leaseSetPrivKey
  sam.address bob.address i2cp.address i2pcontrol.address i2pcontrol.password i2pcontrol.cert i2pcontrol.key
  upnp.name reseed.floodfill reseed.file reseed.zipfile reseed.proxy reseed.urls reseed.yggurls
  addressbook.defaulturl addressbook.subscriptions addressbook.hostsfile trust.family trust.routers
  websockets.address ntcp2.addressv6 ntcp2.proxy ssu2.proxy nettime.ntpservers meshnets.yggaddress`);
/** Every key i2pd 2.45.1 accepts (`section.key` for keys under a `[section]`), with the kind of value it takes. */
export const I2PD_OPTIONS = new Map([
    ...bool.map((k) => [k, 'bool']),
    ...number.map((k) => [k, 'number']),
    ...string.map((k) => [k, 'string']),
]);
/** The i2pd version the option list was taken from. */
export const I2PD_OPTIONS_VERSION = '2.45.1';
//# sourceMappingURL=options.js.map