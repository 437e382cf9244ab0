# Filters the Ansible side of the benchmark needs to produce byte-identical files: provision's template helpers
# (src/template/render.ts: default, bool, list, stable_port) and its rpcauth line (collections/bitcoin_i2p/bitcoin/rpcauth.ts,
# stableRpcAuth). A filter plugin is Ansible's own place for such logic.
import hashlib
import hmac

from jinja2 import Undefined


def _missing(value):
    return isinstance(value, Undefined) or value is None or value == ''


def hb_default(value, fallback):
    """Handlebars' `default`: the fallback for undefined, null or '' (false and 0 are kept)."""
    return fallback if _missing(value) else value


def hb_bool(value):
    """Handlebars' `bool`: 1 for true, 'true', 1, '1', 'yes'; else 0."""
    if isinstance(value, Undefined):
        return 0
    if value is True or (type(value) is int and value == 1) or value in ('true', '1', 'yes'):
        return 1
    return 0


def truefalse(value):
    """`true`/`false` as i2pd.conf writes booleans, from anything hb_bool accepts."""
    return 'true' if hb_bool(value) else 'false'


def as_list(value):
    """Handlebars' `list`: a list stays a list, one value becomes [value], nothing becomes []."""
    if _missing(value):
        return []
    return value if isinstance(value, list) else [value]


def stable_port(name, low, high):
    """A port in [low, high] derived from the host name (sha256, first 4 bytes big-endian)."""
    span = int(high) - int(low) + 1
    return int(low) + int.from_bytes(hashlib.sha256(str(name).encode()).digest()[:4], 'big') % span


def bitcoin_rpcauth(password, user):
    """rpcauth=USER:SALT$HMAC with the salt derived from the password, as provision's stableRpcAuth."""
    salt = hmac.new(password.encode(), f'rpcauth salt for {user}'.encode(), hashlib.sha256).hexdigest()[:32]
    mac = hmac.new(salt.encode(), password.encode(), hashlib.sha256).hexdigest()
    return f'rpcauth={user}:{salt}${mac}'


class FilterModule:
    def filters(self):
        return {
            'hb_default': hb_default,
            'hb_bool': hb_bool,
            'truefalse': truefalse,
            'as_list': as_list,
            'stable_port': stable_port,
            'bitcoin_rpcauth': bitcoin_rpcauth,
        }
