// Splits a command line into words the way a POSIX shell would, without running one: quotes and backslashes are
// honoured, nothing is expanded. `command` and `validate` run without a shell, so this is all the parsing they get.
import { ProvisionError } from '../../errors.js';

/** Unquoted words that only mean something to a shell (a pipe, a redirection, a command list). */
const SHELL_OPERATORS = new Set(['|', '||', '&&', '&', ';', ';;', '>', '>>', '<', '<<', '2>', '2>&1', '>&2', '&>']);

/** The words of `line`; throws a ProvisionError for an unclosed quote or an unquoted shell operator. */
export function splitWords(line: string, what = 'command'): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quotedWord = false;
  let i = 0;
  const end = () => {
    if (!inWord) return;
    if (!quotedWord && SHELL_OPERATORS.has(word)) {
      throw new ProvisionError({
        what: `the ${what} runs without a shell, so "${word}" would be passed as a literal argument`,
        got: line,
        fix: `use the shell module for pipes, redirections and command lists, or quote "${word}" if you mean it literally`,
        code: 'shell-operator',
      });
    }
    words.push(word);
    word = '';
    inWord = false;
    quotedWord = false;
  };
  const unclosed = (quote: string) =>
    new ProvisionError({ what: `unclosed ${quote} quote in the ${what}`, got: line, fix: `close the ${quote} quote`, code: 'unclosed-quote' });
  while (i < line.length) {
    const c = line[i];
    if (c === ' ' || c === '\t' || c === '\n') {
      end();
      i++;
    } else if (c === "'") {
      const close = line.indexOf("'", i + 1);
      if (close < 0) throw unclosed('single');
      word += line.slice(i + 1, close);
      inWord = quotedWord = true;
      i = close + 1;
    } else if (c === '"') {
      inWord = quotedWord = true;
      i++;
      for (;;) {
        if (i >= line.length) throw unclosed('double');
        const d = line[i];
        if (d === '"') break;
        // Inside double quotes a backslash escapes only these (POSIX); elsewhere it stays.
        if (d === '\\' && i + 1 < line.length && '"\\$`\n'.includes(line[i + 1])) {
          if (line[i + 1] !== '\n') word += line[i + 1];
          i += 2;
        } else {
          word += d;
          i++;
        }
      }
      i++;
    } else if (c === '\\') {
      if (i + 1 < line.length && line[i + 1] !== '\n') {
        word += line[i + 1];
        inWord = quotedWord = true;
      }
      i += 2;
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  end();
  return words;
}
