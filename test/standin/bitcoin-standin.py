#!/usr/bin/env python3
# =====================================================================================================================
#  TEST STAND-IN FOR BITCOIN CORE (bitcoind and bitcoin-cli). NOT BITCOIN CORE. NEVER PART OF THE PRODUCT.
#
#  Bitcoin Core cannot be downloaded where the project's tests run, so the tests serve the playbook a release tarball
#  (test/standin/make-tarball.ts) whose bin/bitcoind and bin/bitcoin-cli are this one file. Run as "bitcoind" it reads
#  bitcoin.conf the way Bitcoin Core v29 does, opens a real SAM session with the i2pd at i2psam, and answers the
#  JSON-RPC calls the verification uses (getnetworkinfo, getpeerinfo, getblockchaininfo, uptime, help, stop) with
#  rpcauth / cookie checking. Run as "bitcoin-cli" it is a client for that RPC. It knows no blocks and no Bitcoin P2P:
#  peers it reaches over I2P (addnode=X.b32.i2p:0) exchange one line and are listed by getpeerinfo.
#
#  Like Bitcoin Core, getnetworkinfo reports network "i2p" reachable as soon as i2psam is set (and onlynet allows it);
#  whether the SAM session is really up shows in localaddresses (its .b32.i2p address) when accepting incoming.
#  Python 3.11 standard library only (Debian 12's python3); no other dependency.
# =====================================================================================================================
import base64, json, os, socket, sys, threading, time
# What only the daemon needs is left out of bitcoin-cli, which the verification runs on every host on every run: it
# starts in ~40 ms instead of ~90 (the real one is a small native program).
if 'cli' not in os.path.basename(sys.argv[0]):
    import hashlib, hmac, http.server, ipaddress, secrets, signal, socketserver

VERSION = '29.1.0'
CLIENT_VERSION = 290100
SUBVERSION = f'/Satoshi:{VERSION}(test-stand-in)/'
CHAINS = {'main': ('', 8332), 'test': ('testnet3', 18332), 'testnet4': ('testnet4', 48332), 'signet': ('signet', 38332), 'regtest': ('regtest', 18443)}
NETWORK_ONLY = {'addnode', 'bind', 'connect', 'port', 'rpcbind', 'rpcport', 'wallet', 'walletdir'}
NETWORKS = ['ipv4', 'ipv6', 'onion', 'i2p', 'cjdns']
PEER_HELLO = b'STANDIN-BITCOIN/1'


class InitError(Exception):
    """A start-up error, printed as bitcoind prints InitError: "Error: ..."."""


# ----------------------------------------------------------------------------------------------- settings (args.cpp)
class Settings:
    """Command line over bitcoin.conf, as Bitcoin Core reads them (common/args.cpp, common/config.cpp, settings.cpp)."""

    def __init__(self, argv):
        self.cmdline = {}  # name -> [values] (the last one wins); a negation (-nofoo) is stored as False
        self.config = {}   # section -> name -> [values] (the first one wins)
        for arg in argv:
            key, eq, value = arg.lstrip('-').partition('=')
            name, value = interpret_key(key, value if eq else None)
            self.cmdline.setdefault(name, []).append(value)
        self.chain = 'main'

    def read_config(self, datadir):
        conf = self.last_cmdline('conf', 'bitcoin.conf')
        path = conf if os.path.isabs(conf) else os.path.join(datadir, conf)
        if not os.path.exists(path):
            if 'conf' in self.cmdline:
                raise InitError(f'specified config file "{path}" could not be opened.')
            return
        with open(path, encoding='utf-8') as f:
            prefix = ''
            for number, raw in enumerate(f, 1):
                line = raw.split('#', 1)[0].strip(' \t\r\n')
                if not line:
                    continue
                if line.startswith('[') and line.endswith(']'):
                    prefix = line[1:-1] + '.'
                elif line.startswith('-'):
                    raise InitError(f'Error reading configuration file: parse error on line {number}: {line}, options in configuration file must be specified without leading -')
                elif '=' in line:
                    key, value = line.split('=', 1)
                    full = prefix + key.strip()
                    section, _, name = full.partition('.') if '.' in full else ('', '', full)
                    name, value = interpret_key(name, value.strip())
                    self.config.setdefault(section, {}).setdefault(name, []).append(value)
                else:
                    raise InitError(f'Error reading configuration file: parse error on line {number}: {line}')
        self.chain = self.select_chain()

    def select_chain(self):
        chosen = [c for c in ('regtest', 'signet', 'testnet', 'testnet4') if self.flag_top(c)]
        chain = self.last_cmdline('chain') or (self.config.get('', {}).get('chain') or [None])[0]
        if len(chosen) + (chain is not None) > 1:
            raise InitError('Invalid combination of -regtest, -signet, -testnet, -testnet4 and -chain. Can use at most one.')
        chain = chain or {'regtest': 'regtest', 'signet': 'signet', 'testnet': 'test', 'testnet4': 'testnet4'}.get(chosen[0] if chosen else '', 'main')
        if chain not in CHAINS:
            raise InitError(f'Unknown chain {chain}.')
        return chain

    def flag_top(self, name):
        values = self.cmdline.get(name) or self.config.get('', {}).get(name)
        return values is not None and as_bool(values[-1] if name in self.cmdline else values[0])

    def last_cmdline(self, name, default=None):
        return setting_str(self.cmdline[name][-1]) if name in self.cmdline else default

    def get(self, name, default=None):
        """GetArg: the command line's last value, else the first of the chain's section, else of the top section."""
        if name in self.cmdline:
            return setting_str(self.cmdline[name][-1])
        for section in self.sections(name):
            values = self.config.get(section, {}).get(name)
            if values:
                return '0' if values[-1] is False else setting_str(after_negation(values)[0])
        return default

    def get_list(self, name):
        """GetArgs: every value of the command line, the chain's section and the top section, a negation ending it."""
        values = []
        for source in [self.cmdline.get(name)] + [self.config.get(s, {}).get(name) for s in self.sections(name)]:
            if not source:
                continue
            values += after_negation(source)
            if False in source:
                break
        return values

    def get_bool(self, name, default):
        value = self.get(name)
        return default if value is None else as_bool(value)

    def sections(self, name):
        return [self.chain] + ([''] if self.chain == 'main' or name not in NETWORK_ONLY else [])

    def unsuitable_network_only(self):
        if self.chain == 'main':
            return []
        return sorted(n for n in NETWORK_ONLY if n in self.config.get('', {}) and n not in self.config.get(self.chain, {}) and n not in self.cmdline)


def interpret_key(key, value):
    """args.cpp InterpretKey/InterpretValue: "nofoo" negates foo (stored as False; "nofoo=0" is a double negative)."""
    if key.startswith('no'):
        return key[2:], (value is not None and value != '' and not as_bool(value)) or False
    return key, '' if value is None else value


def after_negation(values):
    """The values after the last negation (SettingsSpan skips what a negation cancelled)."""
    last = max((i for i, v in enumerate(values) if v is False), default=-1)
    return [v for v in values[last + 1:] if v is not False]


def setting_str(value):
    return '0' if value is False else '1' if value is True else value


def as_bool(value):
    """args.cpp InterpretBool: empty is true, else the integer it starts with ("true" is 0)."""
    if value == '':
        return True
    try:
        return int(value.strip()) != 0
    except ValueError:
        return False


# ------------------------------------------------------------------------------------------------------------- log
class Log:
    def __init__(self):
        self.file = None
        self.console = False
        self.lock = threading.Lock()

    def __call__(self, message):
        line = f'{time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())} {message}\n'
        with self.lock:
            if self.file:
                self.file.write(line)
                self.file.flush()
            if self.console:
                sys.stdout.write(line)
                sys.stdout.flush()


log = Log()


# ------------------------------------------------------------------------------------------------------ I2P (i2p.cpp)
def i2p_b64decode(text):
    return base64.b64decode(text.replace('-', '+').replace('~', '/'))


def i2p_b64encode(data):
    return base64.b64encode(data).decode().replace('+', '-').replace('/', '~')


def dest_to_b32(dest):
    """The .b32.i2p address of a destination: base32 of its SHA-256, lower case, no padding."""
    return base64.b32encode(hashlib.sha256(dest).digest()).decode().lower().rstrip('=') + '.b32.i2p'


def public_part(private_key):
    """The destination inside a private key: 387 bytes plus the certificate length at bytes 385-386."""
    if len(private_key) < 387:
        raise ValueError(f'The private key is too short ({len(private_key)} < 387)')
    return private_key[:387 + int.from_bytes(private_key[385:387], 'big')]


class SamSession:
    """One SAM v3.1 STREAM session kept open on a control socket, plus the streams it accepts and opens."""

    def __init__(self, node, sam, transient, key_file):
        self.node, self.sam, self.transient, self.key_file = node, sam, transient, key_file
        self.control = None
        self.session_id = None
        self.address = None
        self.up = threading.Event()

    def hello(self):
        sock = socket.create_connection(split_host_port(self.sam, 7656), timeout=10)
        sock.settimeout(180)  # i2pd 2.45.1 answers SESSION CREATE after 20-60 s
        self.request(sock, 'HELLO VERSION MIN=3.1 MAX=3.1')
        return sock

    def request(self, sock, line, check_ok=True):
        sock.sendall(line.encode() + b'\n')
        reply = read_line(sock)
        keys = dict(kv.split('=', 1) if '=' in kv else (kv, None) for kv in reply.split(' '))
        shown = 'SESSION CREATE ...' if line.startswith('SESSION CREATE') else line
        if check_ok and keys.get('RESULT') != 'OK':
            raise RuntimeError(f'Unexpected reply to "{shown}": "{reply}"')
        return keys, reply

    def run(self):
        """Keeps a session up: creates it, watches the control socket, and creates a new one when it drops."""
        while not self.node.stopping.is_set():
            try:
                self.create()
                if not self.transient:
                    threading.Thread(target=self.accept_loop, daemon=True).start()
                while not self.node.stopping.is_set():
                    self.control.settimeout(1)
                    try:
                        data = self.control.recv(4096)
                    except socket.timeout:
                        continue
                    if not data:
                        raise RuntimeError('the SAM bridge closed the control socket')
                    for line in data.decode(errors='replace').splitlines():
                        if line.startswith('PING'):
                            self.control.sendall(('PONG' + line[4:] + '\n').encode())
            except (OSError, RuntimeError, ValueError) as e:
                log(f'I2P: SAM session unavailable: {e}')
            self.disconnect()
            self.node.stopping.wait(5)

    def create(self):
        session_type = 'transient' if self.transient else 'persistent'
        session_id = secrets.token_hex(5)
        log(f'I2P: Creating {session_type} SAM session {session_id} with {self.sam}')
        sock = self.hello()
        if self.transient:
            keys, _ = self.request(sock, f'SESSION CREATE STYLE=STREAM ID={session_id} DESTINATION=TRANSIENT SIGNATURE_TYPE=7 i2cp.leaseSetEncType=4,0 inbound.quantity=1 outbound.quantity=1')
            private_key = i2p_b64decode(keys['DESTINATION'])
        else:
            if os.path.exists(self.key_file):
                with open(self.key_file, 'rb') as f:
                    private_key = f.read()
            else:
                keys, reply = self.request(sock, 'DEST GENERATE SIGNATURE_TYPE=7', check_ok=False)
                if 'PRIV' not in keys:
                    raise RuntimeError(f'Missing PRIV= in the reply to "DEST GENERATE SIGNATURE_TYPE=7": "{reply}"')
                private_key = i2p_b64decode(keys['PRIV'])
                fd = os.open(self.key_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                with os.fdopen(fd, 'wb') as f:
                    f.write(private_key)
            self.request(sock, f'SESSION CREATE STYLE=STREAM ID={session_id} DESTINATION={i2p_b64encode(private_key)} i2cp.leaseSetEncType=4,0 inbound.quantity=3 outbound.quantity=3')
        self.address = dest_to_b32(public_part(private_key))
        self.control, self.session_id = sock, session_id
        self.up.set()
        log(f'I2P: {session_type.capitalize()} SAM session {session_id} created, my address={self.address}:0')

    def disconnect(self):
        if self.control:
            log(f'I2P: Destroying SAM session {self.session_id}')
            close_quietly(self.control)
        self.control, self.session_id = None, None
        self.up.clear()

    def accept_loop(self):
        session_id = self.session_id
        while self.up.is_set() and self.session_id == session_id and not self.node.stopping.is_set():
            try:
                sock = self.hello()
                self.request(sock, f'STREAM ACCEPT ID={session_id} SILENT=false')
                sock.settimeout(None)
                peer_dest = read_line(sock)
                if 'RESULT=I2P_ERROR' in peer_dest:
                    raise RuntimeError(f'unexpected reply that hints the session is unusable: {peer_dest}')
                peer = dest_to_b32(i2p_b64decode(peer_dest.split(' ')[0]))
                threading.Thread(target=self.node.peer, args=(sock, peer, True), daemon=True).start()
            except (OSError, RuntimeError, ValueError) as e:
                log(f'I2P: Error accepting: {e}')
                self.node.stopping.wait(2)

    def connect(self, b32):
        """Opens a stream to b32 (NAMING LOOKUP, then STREAM CONNECT, as Bitcoin Core does)."""
        sock = self.hello()
        keys, _ = self.request(sock, f'NAMING LOOKUP NAME={b32}')
        self.request(sock, f'STREAM CONNECT ID={self.session_id} DESTINATION={keys["VALUE"]} SILENT=false')
        sock.settimeout(None)
        return sock


def split_host_port(value, default_port):
    """HOST, HOST:PORT, [IPV6] or [IPV6]:PORT (netbase SplitHostPort)."""
    if value.startswith('['):
        host, _, rest = value[1:].partition(']')
        return host, int(rest[1:]) if rest.startswith(':') else default_port
    if value.count(':') == 1:
        host, _, port = value.partition(':')
        return host, int(port)
    return value, default_port


def read_line(sock):
    data = b''
    while not data.endswith(b'\n'):
        chunk = sock.recv(1)
        if not chunk:
            raise RuntimeError('connection closed' + (f' after "{data.decode(errors="replace")}"' if data else ''))
        data += chunk
    return data.decode(errors='replace').rstrip('\r\n')


def close_quietly(sock):
    try:
        sock.close()
    except OSError:
        pass


# ------------------------------------------------------------------------------------------------------ the node
class Node:
    def __init__(self, settings, datadir):
        self.settings, self.datadir = settings, datadir
        self.netdir = os.path.join(datadir, CHAINS[settings.chain][0])
        self.stopping = threading.Event()
        self.started = time.time()
        self.peers, self.peer_ids, self.lock = {}, 0, threading.Lock()
        self.sam = None
        self.servers = []
        self.cookie = None

    # ---- start-up checks Bitcoin Core makes (init.cpp AppInitParameterInteraction / AppInitMain)
    def check(self):
        s = self.settings
        for name in s.unsuitable_network_only():
            raise InitError(f'Config setting for -{name} only applied on {s.chain} network when in [{s.chain}] section.')
        prune = s.get('prune')
        if prune not in (None, '0', '') and s.get_bool('txindex', False):
            raise InitError('Prune mode is incompatible with -txindex.')
        onlynet = s.get_list('onlynet')
        for net in onlynet:
            if net not in NETWORKS:
                raise InitError(f"Unknown network specified in -onlynet: '{net}'")
        if 'i2p' in onlynet and not self.i2psam():
            raise InitError('Outbound connections restricted to i2p (-onlynet=i2p) but -i2psam is not provided')
        for auth in s.get_list('rpcauth'):
            user, _, rest = auth.partition(':')
            if not user or rest.count('$') != 1:
                raise InitError('Unable to start HTTP server. See debug log for details.')

    def i2psam(self):
        value = self.settings.get('i2psam', '')
        return '' if value in ('', '0') else value

    def reachable(self, net):
        onlynet = self.settings.get_list('onlynet')
        if onlynet and net not in onlynet:
            return False
        if net == 'i2p':
            return bool(self.i2psam())
        if net == 'onion':
            return bool(self.settings.get('proxy') or self.settings.get('onion'))
        if net == 'cjdns':
            return self.settings.get_bool('cjdnsreachable', False)
        return True

    # ---- peers over I2P: one line each way, then kept open until either side closes
    def peer(self, sock, address, inbound):
        with self.lock:
            self.peer_ids += 1
            pid = self.peer_ids
            info = {'id': pid, 'addr': f'{address}:0', 'network': 'i2p', 'services': '0000000000000000', 'servicesnames': [],
                    'relaytxes': False, 'lastsend': 0, 'lastrecv': 0, 'bytessent': 0, 'bytesrecv': 0, 'conntime': int(time.time()),
                    'version': 70016, 'subver': '', 'inbound': inbound, 'connection_type': 'inbound' if inbound else 'manual',
                    'transport_protocol_type': 'v1'}
            self.peers[pid] = info
        log(f'I2P: {"inbound" if inbound else "outbound"} peer {address}:0 connected (peer={pid})')
        try:
            hello = PEER_HELLO + b' ' + SUBVERSION.encode() + b'\n'
            sock.sendall(hello)
            info['bytessent'], info['lastsend'] = len(hello), int(time.time())
            line = read_line(sock)
            info['bytesrecv'], info['lastrecv'] = len(line) + 1, int(time.time())
            info['subver'] = line.split(' ', 1)[1] if line.startswith(PEER_HELLO.decode()) else ''
            sock.settimeout(1)
            while not self.stopping.is_set():
                try:
                    if not sock.recv(4096):
                        break
                except socket.timeout:
                    continue
        except (OSError, RuntimeError) as e:
            log(f'I2P: peer={pid} {address}:0: {e}')
        finally:
            close_quietly(sock)
            with self.lock:
                self.peers.pop(pid, None)
            log(f'I2P: peer={pid} disconnected')

    def addnode_loop(self):
        """Keeps a connection to each addnode=X.b32.i2p:0 (Bitcoin Core refuses I2P addresses with another port)."""
        wanted = [a for a in self.settings.get_list('addnode') if a.endswith('.b32.i2p:0')]
        while not self.stopping.is_set():
            if self.sam and self.sam.up.is_set():
                for target in wanted:
                    b32 = target[:-2]
                    with self.lock:
                        connected = any(p['addr'] == target and not p['inbound'] for p in self.peers.values())
                    if connected:
                        continue
                    try:
                        sock = self.sam.connect(b32)
                        threading.Thread(target=self.peer, args=(sock, b32, False), daemon=True).start()
                    except (OSError, RuntimeError, KeyError) as e:
                        log(f'I2P: Error connecting to {target}: {e}')
            self.stopping.wait(2)  # Bitcoin Core retries less often; tests like it quick

    # ---- RPC
    def rpc_port(self):
        return int(self.settings.get('rpcport', CHAINS[self.settings.chain][1]))

    def allowed(self, ip):
        nets = [ipaddress.ip_network('127.0.0.0/8'), ipaddress.ip_network('::1/128')]
        for allow in self.settings.get_list('rpcallowip'):
            try:
                nets.append(ipaddress.ip_network(allow, strict=False))
            except ValueError:
                pass
        addr = ipaddress.ip_address(ip.split('%')[0])
        if addr.version == 6 and addr.ipv4_mapped:
            addr = addr.ipv4_mapped
        return any(addr.version == n.version and addr in n for n in nets)

    def authorized(self, header):
        if not header or not header.startswith('Basic '):
            return False
        try:
            user, _, password = base64.b64decode(header[6:]).decode().partition(':')
        except (ValueError, UnicodeDecodeError):
            return False
        if self.cookie and hmac.compare_digest(f'{user}:{password}', self.cookie):
            return True
        rpcuser, rpcpassword = self.settings.get('rpcuser', ''), self.settings.get('rpcpassword', '')
        if rpcpassword and hmac.compare_digest(user, rpcuser) and hmac.compare_digest(password, rpcpassword):
            return True
        for auth in self.settings.get_list('rpcauth'):
            name, _, rest = auth.partition(':')
            salt, _, digest = rest.partition('$')
            mine = hmac.new(salt.encode(), password.encode(), hashlib.sha256).hexdigest()
            if hmac.compare_digest(user, name) and hmac.compare_digest(mine, digest):
                return True
        return False

    def call(self, method, params):
        if method == 'getnetworkinfo':
            with self.lock:
                inbound = sum(1 for p in self.peers.values() if p['inbound'])
                total = len(self.peers)
            proxy = {'i2p': self.i2psam(), 'onion': self.settings.get('onion') or self.settings.get('proxy') or ''}
            local = [{'address': self.sam.address, 'port': 0, 'score': 4}] if self.sam and self.sam.up.is_set() and not self.sam.transient else []
            return {'version': CLIENT_VERSION, 'subversion': SUBVERSION, 'protocolversion': 70016, 'localservices': '0000000000000c09',
                    'localservicesnames': ['NETWORK', 'WITNESS', 'NETWORK_LIMITED', 'P2P_V2'], 'localrelay': True, 'timeoffset': 0,
                    'networkactive': True, 'connections': total, 'connections_in': inbound, 'connections_out': total - inbound,
                    'networks': [{'name': n, 'limited': not self.reachable(n), 'reachable': self.reachable(n), 'proxy': proxy.get(n, ''),
                                  'proxy_randomize_credentials': False} for n in NETWORKS],
                    'relayfee': 0.00001, 'incrementalfee': 0.00001, 'localaddresses': local, 'warnings': []}
        if method == 'getpeerinfo':
            with self.lock:
                return [dict(p) for p in self.peers.values()]
        if method == 'getblockchaininfo':
            return {'chain': self.settings.chain, 'blocks': 0, 'headers': 0, 'initialblockdownload': True,
                    'pruned': self.settings.get('prune', '0') not in ('0', ''), 'warnings': []}
        if method == 'uptime':
            return int(time.time() - self.started)
        if method == 'help':
            return 'getblockchaininfo\ngetnetworkinfo\ngetpeerinfo\nhelp\nstop\nuptime'
        if method == 'stop':
            threading.Timer(0.2, self.stopping.set).start()
            return 'Bitcoin Core stopping'
        raise RpcError(-32601, 'Method not found')

    def serve_rpc(self):
        node = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = 'HTTP/1.1'

            def log_message(self, *args):
                pass

            def reply(self, status, body=b'', headers=()):
                self.send_response(status)
                for k, v in headers:
                    self.send_header(k, v)
                self.send_header('Content-Length', str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                self.reply(405, b'JSONRPC server handles only POST requests')

            def do_POST(self):
                if not node.allowed(self.client_address[0]):
                    return self.reply(403)
                body = self.rfile.read(int(self.headers.get('Content-Length') or 0))
                if not node.authorized(self.headers.get('Authorization')):
                    log(f'ThreadRPCServer incorrect password attempt from {self.client_address[0]}')
                    time.sleep(0.25)  # Bitcoin Core's deterrent against brute forcing
                    return self.reply(401, headers=[('WWW-Authenticate', 'Basic realm="jsonrpc"')])
                try:
                    request = json.loads(body)
                except ValueError:
                    return self.reply(500, json_reply(None, None, RpcError(-32700, 'Parse error'), False))
                if isinstance(request, list):
                    out = b'[' + b','.join(answer(r)[1] for r in request) + b']\n'
                    return self.reply(200, out, [('Content-Type', 'application/json')])
                status, out = answer(request)
                self.reply(status, out, [('Content-Type', 'application/json')])

        def answer(request):
            v2 = request.get('jsonrpc') == '2.0'
            rid = request.get('id')
            try:
                result = node.call(request.get('method'), request.get('params') or [])
                return 200, json_reply(result, rid, None, v2)
            except RpcError as e:
                return (200 if v2 else 404 if e.code == -32601 else 500), json_reply(None, rid, e, v2)

        # Like Bitcoin Core, rpcbind counts only together with rpcallowip; otherwise localhost only.
        binds = self.settings.get_list('rpcbind') if self.settings.get_list('rpcallowip') else []
        port = self.rpc_port()
        targets = [split_host_port(b, port) for b in binds] or [('127.0.0.1', port), ('::1', port)]
        for host, p in targets:
            family = socket.AF_INET6 if ':' in host else socket.AF_INET
            server_class = type('Server', (socketserver.ThreadingMixIn, http.server.HTTPServer), {'address_family': family, 'daemon_threads': True, 'allow_reuse_address': True})
            try:
                server = server_class((host, p), Handler)
            except OSError as e:
                if host == '::1':
                    continue  # no IPv6 loopback here: Bitcoin Core also goes on with 127.0.0.1 alone
                raise InitError(f'Unable to bind RPC to {host}:{p}: {e}')
            self.servers.append(server)
            threading.Thread(target=server.serve_forever, daemon=True).start()
            log(f'Binding RPC on address {host} port {p}')

    def write_cookie(self):
        if self.settings.get('rpcpassword'):
            return
        self.cookie = f'__cookie__:{secrets.token_hex(32)}'
        path = self.cookie_path()
        fd = os.open(path + '.tmp', os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, 'w') as f:
            f.write(self.cookie)
        os.replace(path + '.tmp', path)

    def cookie_path(self):
        path = self.settings.get('rpccookiefile', '.cookie')
        return path if os.path.isabs(path) else os.path.join(self.netdir, path)

    def pid_path(self):
        path = self.settings.get('pid', 'bitcoind.pid')
        return path if os.path.isabs(path) else os.path.join(self.netdir, path)

    def start(self):
        os.makedirs(self.netdir, exist_ok=True)
        logfile = self.settings.get('debuglogfile', 'debug.log')
        if logfile != '0':  # -nodebuglogfile
            log.file = open(logfile if os.path.isabs(logfile) else os.path.join(self.netdir, logfile), 'a', encoding='utf-8')
        log(f'TEST STAND-IN for Bitcoin Core version v{VERSION} (not Bitcoin Core; test/standin/bitcoin-standin.py)')
        log(f'Using data directory {self.netdir}')
        with open(self.pid_path(), 'w') as f:
            f.write(f'{os.getpid()}\n')
        if self.settings.get_bool('server', True):
            self.write_cookie()
            self.serve_rpc()
        sam = self.i2psam()
        if sam:
            transient = not self.settings.get_bool('i2pacceptincoming', self.settings.get_bool('listen', True))
            self.sam = SamSession(self, sam, transient, os.path.join(self.netdir, 'i2p_private_key'))
            threading.Thread(target=self.sam.run, daemon=True).start()
            threading.Thread(target=self.addnode_loop, daemon=True).start()
        log('init message: Done loading')

    def shutdown(self):
        log('Shutdown: In progress...')
        for server in self.servers:
            server.shutdown()
            server.server_close()
        if self.sam:
            self.sam.disconnect()
        for path in (self.cookie_path() if self.cookie else None, self.pid_path()):
            if path and os.path.exists(path):
                os.unlink(path)
        log('Shutdown: done')


class RpcError(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code, self.message = code, message


def json_reply(result, rid, error, v2):
    err = None if error is None else {'code': error.code, 'message': error.message}
    body = {'jsonrpc': '2.0', 'id': rid, **({'error': err} if err else {'result': result})} if v2 else {'result': result, 'error': err, 'id': rid}
    return json.dumps(body).encode() + b'\n'


# ------------------------------------------------------------------------------------------------------ bitcoind
def bitcoind(argv):
    if any(a in ('-version', '--version') for a in argv):
        print(f'Bitcoin Core version v{VERSION} (TEST STAND-IN, not Bitcoin Core)')
        return 0
    if any(a in ('-help', '--help', '-h', '-?') for a in argv):
        print('bitcoind TEST STAND-IN: -conf=<file> -datadir=<dir> -daemon -daemonwait -pid=<file> -printtoconsole')
        return 0
    bad = [a for a in argv if not a.startswith('-')]
    if bad:
        print(f'Error: Command line contains unexpected token \'{bad[0]}\', see bitcoind -h for a list of options.', file=sys.stderr)
        return 1
    settings = Settings(argv)
    try:
        datadir = settings.last_cmdline('datadir') or os.path.join(os.environ.get('HOME', '/'), '.bitcoin')
        if not os.path.isdir(datadir):
            raise InitError(f'Specified data directory "{datadir}" does not exist.')
        settings.read_config(datadir)
        datadir = settings.get('datadir', datadir)
        node = Node(settings, datadir)
        node.check()
    except InitError as e:
        print(f'Error: {e}', file=sys.stderr)
        return 1
    daemon = settings.get_bool('daemon', False) or settings.get_bool('daemonwait', False)
    log.console = settings.get_bool('printtoconsole', not daemon)
    if daemon:
        ready_r, ready_w = os.pipe()
        if os.fork() > 0:  # the parent reports how start-up went; with -daemonwait it waits for it
            os.close(ready_w)
            if not settings.get_bool('daemonwait', False):
                return 0
            status = os.read(ready_r, 4096).decode()
            if status != 'ok':
                print(status or 'Error: Initialization failed.', file=sys.stderr)
                return 1
            return 0
        os.close(ready_r)
        os.setsid()
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
    signal.signal(signal.SIGTERM, lambda *_: node.stopping.set())
    signal.signal(signal.SIGINT, lambda *_: node.stopping.set())
    try:
        node.start()
    except (InitError, OSError) as e:
        if daemon:
            os.write(ready_w, f'Error: {e}'.encode())
        else:
            print(f'Error: {e}', file=sys.stderr)
        return 1
    if daemon:
        os.write(ready_w, b'ok')
        os.close(ready_w)
    while not node.stopping.wait(1):
        pass
    node.shutdown()
    return 0


# ---------------------------------------------------------------------------------------------------- bitcoin-cli
def http_post(host, port, body, credentials):
    """One JSON-RPC request over HTTP/1.0 (the server closes after answering): (status, body)."""
    auth = base64.b64encode(credentials.encode()).decode()
    head = f'POST / HTTP/1.0\r\nHost: {host}:{port}\r\nAuthorization: Basic {auth}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n'
    with socket.create_connection((host.strip('[]'), port), timeout=900) as sock:
        sock.sendall(head.encode() + body)
        data = b''
        while chunk := sock.recv(65536):
            data += chunk
    status_line, _, rest = data.partition(b'\r\n')
    parts = status_line.split(b' ', 2)
    if len(parts) < 2 or not parts[1].isdigit():
        raise OSError(f'not an HTTP reply: {status_line[:80]!r}')
    return int(parts[1]), rest.partition(b'\r\n\r\n')[2]


def bitcoin_cli(argv):
    first = next((i for i, a in enumerate(argv) if not a.startswith('-')), len(argv))
    options, words = argv[:first], argv[first:]  # options, then the command and its parameters
    if any(a in ('-version', '--version') for a in options):
        print(f'Bitcoin Core RPC client version v{VERSION} (TEST STAND-IN, not Bitcoin Core)')
        return 0
    settings = Settings(options)
    try:
        datadir = settings.last_cmdline('datadir') or os.path.join(os.environ.get('HOME', '/'), '.bitcoin')
        settings.read_config(datadir)
    except InitError as e:
        print(f'error: {e}', file=sys.stderr)
        return 1
    if not words:
        print('error: too few parameters (need at least command)', file=sys.stderr)
        return 1
    netdir = os.path.join(settings.get('datadir', datadir), CHAINS[settings.chain][0])
    host = settings.get('rpcconnect', '127.0.0.1')
    port = int(settings.get('rpcport', CHAINS[settings.chain][1]))
    if settings.get('rpcpassword'):
        credentials = f'{settings.get("rpcuser", "")}:{settings.get("rpcpassword")}'
    else:
        cookie = settings.get('rpccookiefile', '.cookie')
        try:
            with open(cookie if os.path.isabs(cookie) else os.path.join(netdir, cookie)) as f:
                credentials = f.read().strip()
        except OSError:
            credentials = ''
    params = []
    for word in words[1:]:
        try:
            params.append(json.loads(word))
        except ValueError:
            params.append(word)
    body = json.dumps({'jsonrpc': '1.0', 'id': 1, 'method': words[0], 'params': params}).encode()
    wait = settings.get_bool('rpcwait', False)
    wait_timeout = float(settings.get('rpcwaittimeout', '0') or 0)
    started = time.time()
    while True:
        try:
            status, payload = http_post(host, port, body, credentials)
        except OSError:
            if wait and (wait_timeout == 0 or time.time() - started < wait_timeout):
                time.sleep(1)
                continue
            print(f'error: timeout on transient error: Could not connect to the server {host}:{port}\n\nMake sure the bitcoind server is running and that you are connecting to the correct RPC port.\nUse "bitcoin-cli -help" for more info.', file=sys.stderr)
            return 1
        if status == 401:
            print('error: Authorization failed: Incorrect rpcuser or rpcpassword', file=sys.stderr)
            return 1
        try:
            reply = json.loads(payload)
        except ValueError:
            print(f'error: server returned HTTP error {status}', file=sys.stderr)
            return 1
        break
    if reply.get('error'):
        print(f'error code: {reply["error"]["code"]}\nerror message:\n{reply["error"]["message"]}', file=sys.stderr)
        return 1
    result = reply.get('result')
    if isinstance(result, str):
        print(result)
    elif result is not None:
        print(json.dumps(result, indent=2))
    return 0


if __name__ == '__main__':
    sys.exit(bitcoin_cli(sys.argv[1:]) if 'cli' in os.path.basename(sys.argv[0]) else bitcoind(sys.argv[1:]))
