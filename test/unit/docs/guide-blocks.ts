// Reads the examples out of docs/i2p-node.md so that tests can run and check every one of them.
//
// The guide marks each fenced block with an info string saying what the block is and how it is checked:
//   ```sh lab                  commands run as root on a node the playbook has converged (test/lab/guide.test.ts)
//   ```sh provision            provision commands run on the control machine against that node
//   ```ini i2pd.conf           an excerpt of templates/i2pd.conf.hbs rendered with the playbook's defaults
//   ```ini bitcoin.conf        the same for templates/bitcoin.conf.hbs
//   ```ini bitcoind.service    the same for templates/bitcoind.service.hbs
//   ```yaml vars               inventory variables; the config excerpt right after it is rendered with them
//   ```yaml playbooks/i2p-node.yml   an excerpt that appears in that file as it is
// Any other fenced block is an error (test/unit/docs/guide.test.ts), so nothing in the guide escapes a test.
//
// In a shell block, a line starting with `$ ` is a command (a trailing `\` continues it on the next line); the lines
// after it, up to the next command, are its expected output. Expected output (and a config excerpt) is compared line
// by line after collapsing runs of blanks and dropping empty lines, and may use:
//   <name>        any text within the line (the same name twice in one output means the same text)
//   ...           on a line of its own: any number of lines
//   (exit status N)  on a line of its own: the command must exit N instead of 0
// A command with no expected output must exit 0; its output is not compared.

/** Every info string the guide may use, and nothing else. */
export const BLOCK_KINDS = [
  'sh lab',
  'sh provision',
  'ini i2pd.conf',
  'ini bitcoin.conf',
  'ini bitcoind.service',
  'yaml vars',
  'yaml playbooks/i2p-node.yml',
] as const;

/** One fenced block of the guide. */
export interface Block {
  /** The info string after the opening fence, e.g. "sh lab". */
  info: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The lines between the fences. */
  body: string[];
}

/** One command of a shell block and what the guide says it prints. */
export interface ShellStep {
  command: string;
  /** Expected output lines (patterns as described above), without the exit status line. */
  expected: string[];
  /** The exit status the command must end with. */
  status: number;
  /** 1-based line of the command in the guide. */
  line: number;
}

/** The fenced blocks of a Markdown text, in order. */
export function fencedBlocks(markdown: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(`{3,}|~{3,})(.*)$/.exec(lines[i]);
    if (!open) continue;
    const fence = open[1];
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !(lines[j].startsWith(fence) && lines[j].slice(fence.length).trim() === '')) body.push(lines[j++]);
    if (j === lines.length) throw new Error(`line ${i + 1}: the fenced block is never closed`);
    blocks.push({ info: open[2].trim(), line: i + 1, body });
    i = j;
  }
  return blocks;
}

/** The commands of a `sh lab` or `sh provision` block with their expected output. */
export function shellSteps(block: Block): ShellStep[] {
  const steps: ShellStep[] = [];
  for (let i = 0; i < block.body.length; i++) {
    const text = block.body[i];
    if (text.startsWith('$ ')) {
      let command = text.slice(2);
      const line = block.line + 1 + i;
      while (command.endsWith('\\') && i + 1 < block.body.length) command = `${command.slice(0, -1).trimEnd()} ${block.body[++i].trim()}`;
      steps.push({ command, expected: [], status: 0, line });
    } else if (!steps.length) {
      if (text.trim() !== '') throw new Error(`line ${block.line + 1 + i}: output before the first command of the block`);
    } else {
      const status = /^\(exit status (\d+)\)$/.exec(text.trim());
      if (status) steps[steps.length - 1].status = Number(status[1]);
      else steps[steps.length - 1].expected.push(text);
    }
  }
  return steps;
}

/** Collapses runs of blanks, trims, and drops empty lines: how outputs and excerpts are compared. */
export function normalize(text: string | string[]): string[] {
  return (Array.isArray(text) ? text : text.split('\n')).map((l) => l.replace(/\s+/g, ' ').trim()).filter((l) => l !== '');
}

const PLACEHOLDER = /<([A-Za-z][\w.-]*)>/g;

/**
 * A regular expression for expected lines, matched against the normalized actual text joined with "\n" plus a final
 * "\n". `whole`: the lines are the entire output; `within`: they appear somewhere in it, in one piece.
 */
export function linesPattern(expected: string[], mode: 'whole' | 'within'): RegExp {
  const groups = new Map<string, string>();
  const lines = normalize(expected);
  const parts = (mode === 'within' ? ['...', ...lines, '...'] : lines).map((line) => {
    if (line === '...') return '(?:[^\\n]*\\n)*?';
    let out = '';
    let last = 0;
    for (const m of line.matchAll(PLACEHOLDER)) {
      out += escape(line.slice(last, m.index));
      const known = groups.get(m[1]);
      if (known) out += `\\k<${known}>`;
      else {
        const id = `p${groups.size}`;
        groups.set(m[1], id);
        out += `(?<${id}>[^\\n]*?)`;
      }
      last = m.index + m[0].length;
    }
    return `${out}${escape(line.slice(last))}\\n`;
  });
  return new RegExp(`^${parts.join('')}$`);
}

/** True when `actual` matches the expected lines (see linesPattern). */
export function matches(actual: string | string[], expected: string[], mode: 'whole' | 'within'): boolean {
  const text = normalize(actual).map((l) => `${l}\n`).join('');
  return linesPattern(expected, mode).test(text);
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens (github-slugger's rules). */
export function githubSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/<[^>]*>/g, '')
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** Every anchor a link into the guide can use: heading slugs (with GitHub's -1, -2 for repeats) and `<a id>`s. */
export function anchors(markdown: string): Set<string> {
  const found = new Set<string>();
  const seen = new Map<string, number>();
  let inFence = false;
  for (const line of markdown.split('\n')) {
    if (/^(`{3,}|~{3,})/.test(line)) inFence = !inFence;
    if (inFence) continue;
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      const base = githubSlug(heading[1]);
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      found.add(n ? `${base}-${n}` : base);
    }
    for (const m of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) found.add(m[1]);
  }
  return found;
}

/** Inline code spans outside fenced blocks, with their 1-based line. */
export function inlineCode(markdown: string): { code: string; line: number }[] {
  const spans: { code: string; line: number }[] = [];
  let inFence = false;
  markdown.split('\n').forEach((line, i) => {
    if (/^(`{3,}|~{3,})/.test(line)) inFence = !inFence;
    else if (!inFence) for (const m of line.matchAll(/(`+)([^`]+?)\1/g)) spans.push({ code: m[2].trim(), line: i + 1 });
  });
  return spans;
}
