// Text from hosts and variables, made safe for a terminal: a control character shows as its escape (\x1b, \r)
// instead of acting, so a host's output cannot set the title, colour the screen or draw a fake "ok: [host]" line.

// C0 controls but newline and tab, DEL, and the C1 controls (U+009B is a one-character CSI on some terminals).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** `text` with every control character but newline and tab written out as an escape. A carriage return right before
 * a newline is a line ending (output through a terminal, e.g. sudo with a tty, ends lines with \r\n) and goes. */
export function visible(text: string): string {
  return text.replace(/\r+\n/g, '\n').replace(CONTROL, (c) => {
    if (c === '\r') return '\\r';
    const code = c.charCodeAt(0);
    return code < 0x80 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
