// The pure side of `lab up --i2p`: addresses, ports, the inventory it writes, the floodfill config, router info
// names, the reseed zip and the SAM/console parsing. Fixtures come from a real lab's i2pd 2.45.1.
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { parse } from 'yaml';
import { checkI2pdConf } from '../../collections/bitcoin_i2p/i2pd/check.js';
import { i2pInventory, i2pLab } from '../../collections/bitcoin_i2p/lab/extension.js';
import { RESEED_ZIP_PATH, floodfillConf, floodfillName, i2pIpv6, i2pPort, i2pRouterAddress } from '../../collections/bitcoin_i2p/lab/network.js';
import { b32Address, parseKnownRouters, tunnelsReady } from '../../collections/bitcoin_i2p/lab/probe.js';
import { netDbPath, routerInfoHash, zipStored } from '../../collections/bitcoin_i2p/lab/routerinfo.js';
import { parseReply } from '../../collections/bitcoin_i2p/lab/sam.js';
import { labUp, registerLabExtension } from '../../src/lab/index.js';
import { inventoryText } from '../../src/lab/inventory.js';

registerLabExtension(i2pLab);

// The router identity (391 bytes: keys, then a key certificate: Ed25519 signing, X25519 crypto) from the router.info
// of a lab floodfill, whose web console called it "Router Ident: dSJr8OgXBU3g-eKNg3RPu7GhZMyf9UrBrex16mj2AZ4=".
const IDENTITY = Buffer.from(
  `9gutfBhybAN3eiBxtl2c9eGVCxGkurgWtoxWmI9IyXuu+N8BD4bTA59V68B6ktVD1IPWtRKbmXmp5D4BOhD1Sq743wEPhtMDn1XrwHqS1UPUg9a1EpuZeankPgE6EPVKrvjfAQ+G0wOfVevAepLVQ9SD1rUSm5l5qeQ+AToQ9Uqu+N8BD4bTA59V68B6ktVD1IPWtRKbmXmp5D4BOhD1Sq743wEPhtMDn1XrwHqS1UPUg9a1EpuZeankPgE6EPVKrvjfAQ+G0wOfVevAepLVQ9SD1rUSm5l5qeQ+AToQ9Uqu+N8BD4bTA59V68B6ktVD1IPWtRKbmXmp5D4BOhD1Sq743wEPhtMDn1XrwHqS1UPUg9a1EpuZeankPgE6EPVKrvjfAQ+G0wOfVevAepLVQ9SD1rUSm5l5qeQ+AToQ9Uqu+N8BD4bTA59V68B6ktVD1IPWtRKbmXmp5D4BOhD1SqdAIinrhHFTMzRDSSz4THwFd3MasMbAJDjBhu1V63ILBQAEAAcABA==`,
  'base64',
);
// A destination made by the same i2pd's SAM (DEST GENERATE SIGNATURE_TYPE=7) and the address its console showed.
const DESTINATION =
  'msIpgsSZLTB5DhUzU37dP-OqQbuYx-Ch71V7-QOKPoCawimCxJktMHkOFTNTft0~46pBu5jH4KHvVXv5A4o-gJrCKYLEmS0weQ4VM1N-3T~jqkG7mMfgoe9Ve~kDij6AmsIpgsSZLTB5DhUzU37dP-OqQbuYx-Ch71V7-QOKPoCawimCxJktMHkOFTNTft0~46pBu5jH4KHvVXv5A4o-gJrCKYLEmS0weQ4VM1N-3T~jqkG7mMfgoe9Ve~kDij6AmsIpgsSZLTB5DhUzU37dP-OqQbuYx-Ch71V7-QOKPoCawimCxJktMHkOFTNTft0~46pBu5jH4KHvVXv5A4o-gJrCKYLEmS0weQ4VM1N-3T~jqkG7mMfgoe9Ve~kDij6AmsIpgsSZLTB5DhUzU37dP-OqQbuYx-Ch71V7-QOKPoCawimCxJktMHkOFTNTft0~46pBu5jH4KHvVXv5A4o-gLusSa-v4LI5jLa86GSwqyuXGnUrXfj55e3J8WTiWMGmBQAEAAcAAA==';

describe('the lab I2P network addresses', () => {
  it('gives host 10.77.K.H the IPv6 address 3fff:78:K::H with the same digits, canonical for slot 0', () => {
    expect(i2pIpv6(0, 1)).toBe('3fff:78::11');
    expect(i2pIpv6(3, 12)).toBe('3fff:78:3::22');
    expect(i2pIpv6(255, 240)).toBe('3fff:78:255::250');
  });

  it('gives every host a fixed router port inside the 9000-31000 range the playbook opens', () => {
    expect(i2pPort(1)).toBe(20011);
    expect(i2pPort(240)).toBe(20250);
    expect(i2pRouterAddress(2, 3)).toEqual({ address: '10.77.2.13', ipv6: '3fff:78:2::13', port: 20013 });
  });

  it('names the floodfill routers after the lab', () => {
    expect(floodfillName('lab', 1)).toBe('lab-ff1');
    expect(floodfillName('ci2', 4)).toBe('ci2-ff4');
  });

  it('refuses a floodfill count outside 1 to 16, and more hosts than a lab can address, before creating anything', async () => {
    await expect(labUp({ name: 'nolab', extensions: { i2p: { floodfills: 0 } } })).rejects.toThrow('lab: invalid number of floodfill routers 0\n  expected: 1 to 16');
    await expect(labUp({ name: 'nolab', extensions: { i2p: { floodfills: 17 } } })).rejects.toThrow('lab: invalid number of floodfill routers 17');
    await expect(labUp({ name: 'nolab', hosts: 237, extensions: { i2p: {} } })).rejects.toThrow('lab: 237 hosts and 4 floodfill routers are more than 240');
  });

  it('refuses a lab extension it does not have, naming those it has, before creating anything', async () => {
    await expect(labUp({ name: 'nolab', extensions: { i2pp: {} } })).rejects.toThrow('lab: no lab extension named "i2pp"\n  expected: i2p');
  });
});

describe('the inventory of an --i2p lab', () => {
  const hosts = [
    { name: 'lab1', address: '10.77.2.11', index: 1 },
    { name: 'lab2', address: '10.77.2.12', index: 2 },
    { name: 'lab-ff1', address: '10.77.2.13', index: 3, role: 'floodfill' },
  ];
  const text = inventoryText('lab', hosts, '/s/id_ed25519', '/s/known_hosts', { parts: [i2pInventory('lab', 2)] });

  it('puts the hosts in group nodes with the i2pd variables that join the private network, and leaves the floodfills out', () => {
    expect(parse(text)).toEqual({
      all: {
        hosts: {
          lab1: { address: '10.77.2.11', i2pd_port: 20011, i2pd_host: '10.77.2.11', i2pd_address4: '10.77.2.11', i2pd_address6: '3fff:78:2::11' },
          lab2: { address: '10.77.2.12', i2pd_port: 20012, i2pd_host: '10.77.2.12', i2pd_address4: '10.77.2.12', i2pd_address6: '3fff:78:2::12' },
        },
        children: {
          nodes: {
            hosts: { lab1: null, lab2: null },
            vars: {
              i2pd_netid: 78, i2pd_ipv4: true, i2pd_ipv6: true, i2pd_nat: false, i2pd_floodfill: false, i2pd_bandwidth: 'X',
              i2pd_reseed_verify: false, i2pd_reseed_urls: [], i2pd_reseed_yggurls: [], i2pd_reseed_zipfile: RESEED_ZIP_PATH,
              i2pd_reseed_threshold: 1, i2pd_nettime_enabled: false,
            },
          },
        },
        vars: { user: 'root', port: 22, private_key_file: '/s/id_ed25519', known_hosts_file: '/s/known_hosts' },
      },
    });
  });

  it('says so in its header', () => {
    expect(text.split('\n').slice(0, 2)).toEqual([
      '# Written by `provision lab up --name lab`; `provision lab down --name lab` removes it.',
      "# Group nodes: i2pd joins the lab's private I2P network (netid 78); its floodfill routers (lab-ff1...) are run by the lab.",
    ]);
  });
});

describe('the floodfill routers configuration', () => {
  const conf = floodfillConf('lab', i2pRouterAddress(0, 3));

  it('uses only keys and values i2pd 2.45.1 accepts', () => {
    expect(checkI2pdConf(conf, { file: 'floodfill i2pd.conf' }).map((e) => e.message)).toEqual([]);
  });

  it('is a floodfill of netid 78 publishing both addresses, with no reseed servers, no time sync and the address book on', () => {
    const lines = conf.split('\n');
    for (const l of ['port = 20013', 'host = 10.77.0.13', 'address4 = 10.77.0.13', 'address6 = 3fff:78::13', 'ipv6 = true', 'nat = false', 'floodfill = true', 'netid = 78', 'urls =', 'yggurls =', 'threshold = 1', 'verify = false']) {
      expect(lines).toContain(l);
    }
    expect(conf).toMatch(/\[addressbook\]\nenabled = true\n/);
    expect(conf).toMatch(/\[nettime\]\nenabled = false\n/);
    expect(conf).toMatch(/\[ntcp2\]\nenabled = true\npublished = true\n/);
    expect(conf).toMatch(/\[ssu2\]\nenabled = true\npublished = true\n/);
  });
});

describe('router infos and the reseed zip', () => {
  it('names a router info after the SHA-256 of its identity in I2P base64, as i2pd does (the rest is ignored)', () => {
    const info = Buffer.concat([IDENTITY, Buffer.from('published date, addresses, options, signature')]);
    expect(routerInfoHash(info)).toBe('dSJr8OgXBU3g-eKNg3RPu7GhZMyf9UrBrex16mj2AZ4=');
    expect(netDbPath('dSJr8OgXBU3g-eKNg3RPu7GhZMyf9UrBrex16mj2AZ4=')).toBe('rd/routerInfo-dSJr8OgXBU3g-eKNg3RPu7GhZMyf9UrBrex16mj2AZ4=.dat');
  });

  it('refuses a router info shorter than its identity', () => {
    expect(() => routerInfoHash(IDENTITY.subarray(0, 390))).toThrow('lab: a router.info is too short to hold a router identity\n  got: 390 bytes, identity of 391');
    expect(() => routerInfoHash(Buffer.alloc(10))).toThrow('got: 10 bytes');
  });

  const files = [
    { name: 'routerInfo-a.dat', data: Buffer.from('first router') },
    { name: 'routerInfo-b.dat', data: IDENTITY },
  ];

  it('writes stored entries that a reader walking local headers the way i2pd 2.45.1 does finds, in order', () => {
    const zip = zipStored(files);
    const found: { name: string; data: Buffer; crc: number }[] = [];
    // Reseeder::ProcessZIPStream: local headers one after another, stored data, until the central directory.
    for (let at = 0; zip.readUInt32LE(at) === 0x04034b50; ) {
      expect(zip.readUInt16LE(at + 6) & 8).toBe(0); // no data descriptor
      expect(zip.readUInt16LE(at + 8)).toBe(0); // stored
      const size = zip.readUInt32LE(at + 18);
      const nameLength = zip.readUInt16LE(at + 26);
      const start = at + 30 + nameLength + zip.readUInt16LE(at + 28);
      found.push({ name: zip.toString('utf8', at + 30, at + 30 + nameLength), data: zip.subarray(start, start + size), crc: zip.readUInt32LE(at + 14) });
      at = start + size;
      if (zip.readUInt32LE(at) !== 0x04034b50) expect(zip.readUInt32LE(at)).toBe(0x02014b50);
    }
    expect(found).toEqual(files.map((f) => ({ ...f, crc: crc32(f.data) })));
  });

  const unzip = spawnSync('unzip', ['-v']).status === 0;
  (unzip ? it : it.skip)('writes a zip that unzip tests as sound and extracts byte for byte', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-zip-'));
    try {
      writeFileSync(join(dir, 'seed.zip'), zipStored(files));
      const test = spawnSync('unzip', ['-t', join(dir, 'seed.zip')], { encoding: 'utf8' });
      expect(test.stdout).toContain('No errors detected');
      const out = spawnSync('unzip', ['-p', join(dir, 'seed.zip'), 'routerInfo-b.dat']);
      expect(Buffer.compare(out.stdout, IDENTITY)).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('SAM and the web console, read by the probe', () => {
  it('turns a destination into the .b32.i2p address i2pd shows for it', () => {
    expect(b32Address(DESTINATION)).toBe('7u2jfadhe6pvmlcnfp636cyvaeg2ajnc2vb7yp6rdhhx2ptgbgrq.b32.i2p');
  });

  it('reads the fields of a SAM reply, quoted or not', () => {
    expect(parseReply('STREAM STATUS RESULT=CANT_REACH_PEER MESSAGE="no lease set"')).toEqual({
      line: 'STREAM STATUS RESULT=CANT_REACH_PEER MESSAGE="no lease set"', RESULT: 'CANT_REACH_PEER', MESSAGE: 'no lease set',
    });
  });

  it("reads how many routers and floodfills i2pd knows from its console's main page", () => {
    const html = '<b>Tunnel creation success rate:</b> 100%<br>\r\n<b>Routers:</b> 6 <b>Floodfills:</b> 4 <b>LeaseSets:</b> 0<br>\r\n';
    expect(parseKnownRouters(html)).toEqual({ routers: 6, floodfills: 4 });
    expect(parseKnownRouters('host mismatch')).toBeUndefined();
  });

  // Shaped like i2pd 2.45.1's ?page=tunnels: a zero-hop tunnel has one arrow, a tunnel through other routers more.
  const page = (inbound: string, outbound: string) =>
    `<b>Inbound tunnels:</b><br>\n<div class="list">\n${inbound}</div>\n<b>Outbound tunnels:</b><br>\n<div class="list">\n${outbound}</div>`;
  const item = (path: string, state: string) => `<div class="listitem">${path}<span class="tunnel ${state}"> ${state}</span>,  2&nbsp;KiB\n</div>\n`;

  it('calls the tunnels ready only when an established tunnel through another router exists each way', () => {
    const zeroHopIn = item('&#8658; 854502978:me', 'established');
    const zeroHopOut = item('2123396948:me &#8658;', 'established');
    const hopsIn = item('&#8658; dSJr &#8658; gHo- &#8658; 3468110794:me', 'established');
    const hopsOut = item('795666304:me &#8658; 7w2i &#8658; G5dl &#8658;', 'established');
    expect(tunnelsReady(page(zeroHopIn + hopsIn, zeroHopOut + hopsOut))).toBe(true);
    expect(tunnelsReady(page(zeroHopIn, zeroHopOut + hopsOut))).toBe(false);
    expect(tunnelsReady(page(zeroHopIn + hopsIn, zeroHopOut))).toBe(false);
    expect(tunnelsReady(page(item('&#8658; dSJr &#8658; 1:me', 'building'), hopsOut))).toBe(false);
    expect(tunnelsReady('host mismatch')).toBe(false);
  });
});
