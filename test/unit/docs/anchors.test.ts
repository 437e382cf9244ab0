// Every link to a section of a doc (docs/X.md#anchor) from the playbooks, the README and the docs lands on a heading
// or an explicit anchor of that doc, as GitHub renders it: verify.yml's failure messages send operators there.
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** GitHub's heading slug: lower case, punctuation dropped except - and _, spaces to -. */
const slug = (heading: string) => heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');

/** The anchors a Markdown file offers: headings outside fenced blocks, and <a id="..."> tags. */
function anchorsOf(file: string): Set<string> {
  const out = new Set<string>();
  let fenced = false;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (/^(```|~~~)/.test(line)) fenced = !fenced;
    if (fenced) continue;
    const h = /^#{1,6}\s+(.*)$/.exec(line);
    if (h) out.add(slug(h[1]));
    for (const m of line.matchAll(/<a id="([^"]+)"/g)) out.add(m[1]);
  }
  return out;
}

const sources = ['README.md', ...readdirSync('playbooks').map((f) => `playbooks/${f}`), ...readdirSync('docs').map((f) => `docs/${f}`)];

describe('links to doc sections', () => {
  // `docs/X.md#a` anywhere (verify.yml's messages), `](X.md#a)` and `](#a)` in Markdown.
  const links = sources.flatMap((from) =>
    [...readFileSync(from, 'utf8').matchAll(/(?:(docs\/[\w-]+\.md)|\]\(([\w-]+\.md)?)#([\w-]+)/g)].map((m) => {
      const target = m[1] ?? (m[2] ? path.join(path.dirname(from), m[2]) : from);
      return { from, target, anchor: m[3] };
    }),
  );

  it('finds the links verify.yml gives operators', () => {
    expect(links.filter((l) => l.from === 'playbooks/verify.yml').map((l) => l.anchor)).toEqual(expect.arrayContaining(['troubleshooting', 'bitcoin-conf', 'firewall']));
  });

  it('every one lands on a section', () => {
    const broken = links.filter((l) => !anchorsOf(l.target).has(l.anchor)).map((l) => `${l.from}: ${l.target}#${l.anchor}`);
    expect(broken).toEqual([]);
  });
});
