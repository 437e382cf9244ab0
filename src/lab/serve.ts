// The lab's tiny static HTTP server for the local apt repository, as source text for `node -e`: it runs detached
// from `lab up` (which exits) and needs no build step and no extra package, only the Node that runs provision.

/** Node program: serve argv[1] (dir) on argv[2] (address), any free port, and write the port to argv[3]. */
export const SERVER_SOURCE = `
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');
const [root, address, portFile] = process.argv.slice(1);
const server = http.createServer((req, res) => {
  const rel = decodeURIComponent((req.url || '/').split('?')[0]);
  const file = path.join(root, path.normalize(rel).replace(/^([.][.][/\\\\])+/, ''));
  if (!file.startsWith(root) || (req.method !== 'GET' && req.method !== 'HEAD')) { res.writeHead(404); return res.end(); }
  fs.stat(file, (err, st) => {
    if (err || !st.isFile()) { res.writeHead(404); return res.end(); }
    res.writeHead(200, { 'content-length': st.size, 'content-type': 'application/octet-stream' });
    if (req.method === 'HEAD') return res.end();
    fs.createReadStream(file).pipe(res);
  });
});
server.listen(0, address, () => {
  fs.writeFileSync(portFile + '.tmp', String(server.address().port));
  fs.renameSync(portFile + '.tmp', portFile);
});
process.on('SIGTERM', () => process.exit(0));
`;
