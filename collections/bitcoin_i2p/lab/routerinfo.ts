// I2P router infos as files: their netDb name (the SHA-256 of the router identity in I2P's base64) and the zip that
// i2pd's `[reseed] zipfile` reads (stored entries; i2pd 2.45.1 reads local headers only and ignores the names).
import { createHash } from 'node:crypto';
import zlib from 'node:zlib';
import { ProvisionError } from 'provision/lab';

// A router identity: 256-byte public key, 128-byte signing key, then a certificate (type, 2-byte length, payload).
const KEYS = 384;

/** I2P's base64: the standard alphabet with `-` and `~` for `+` and `/`. */
export function i2pBase64(bytes: Buffer): string {
  return bytes.toString('base64').replace(/\+/g, '-').replace(/\//g, '~');
}

/** The identity hash of a router info (I2P base64 of the SHA-256 of its identity), as i2pd names its netDb files. */
export function routerInfoHash(routerInfo: Buffer): string {
  if (routerInfo.length < KEYS + 3) throw badRouterInfo(`${routerInfo.length} bytes`);
  const identityLength = KEYS + 3 + routerInfo.readUInt16BE(KEYS + 1);
  if (routerInfo.length < identityLength) throw badRouterInfo(`${routerInfo.length} bytes, identity of ${identityLength}`);
  return i2pBase64(createHash('sha256').update(routerInfo.subarray(0, identityLength)).digest());
}

/** Where a router info goes in an i2pd netDb dir: r<first character>/routerInfo-<hash>.dat. */
export function netDbPath(hash: string): string {
  return `r${hash[0]}/routerInfo-${hash}.dat`;
}

function badRouterInfo(got: string): ProvisionError {
  return new ProvisionError({ what: 'lab: a router.info is too short to hold a router identity', got, code: 'lab-i2p' });
}

const DOS_DATE = (0 << 9) | (1 << 5) | 1;

/** A zip archive of stored (uncompressed) files, with a central directory, readable by unzip and by i2pd. */
// Why a writer here and not a library: no zip library is in node_modules, and this one zip (a few router infos, once
// per `lab up --i2p`) does not justify a runtime dependency for every user of provision; were one wanted, fflate
// (no dependencies, `zipSync`) would be it. CRC-32 is zlib's (Node 20.15+; called through the module object so that
// an older Node fails here, not when the CLI starts). Entries are stored, not deflated: deflate would save ~250 of
// ~1,000 bytes per router info (the identity's padding repeats) in a file that never leaves the lab, and stored
// entries are the form the lab has seen i2pd 2.45.1 reseed from.
export function zipStored(files: { name: string; data: Buffer }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const f of files) {
    const name = Buffer.from(f.name, 'utf8');
    const crc = zlib.crc32(f.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0
    // flags 0, method 0 (stored); a fixed date (1980-01-01): the same bytes every run, no time to leak
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(f.data.length, 18);
    local.writeUInt32LE(f.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(0x0314, 4); // made by: Unix, 2.0
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(f.data.length, 20);
    central.writeUInt32LE(f.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38); // external attributes: a regular file, rw-r--r--
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, f.data);
    centrals.push(central, name);
    offset += local.length + name.length + f.data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
