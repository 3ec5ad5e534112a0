import { NoteError } from './note-error.ts';

/**
 * The text rules of C2SP signed-note: a note is valid UTF-8 with no ASCII control character other
 * than newline, and a key name is non-empty, valid UTF-8, and has no Unicode space and no '+'.
 */

/** The Unicode spaces (White_Space: Zs, and the spacing controls), as Go's unicode.IsSpace. */
const SPACE = /[\t\n\v\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]/u;
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0009\u000B-\u001F]/u;
const LONE_SURROGATE = /\p{Surrogate}/u;

export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !name.includes('+') && !SPACE.test(name) && !LONE_SURROGATE.test(name);
}

/**
 * The text of `input` after checking it is valid UTF-8 with no control character but newline.
 * Bytes are decoded strictly (a byte order mark is kept as text); a string must not hold a lone
 * surrogate, which has no UTF-8 encoding. `what` names the input in the error.
 */
export function noteText(input: string | Uint8Array, what: string): string {
  let text: string;
  if (typeof input === 'string') {
    if (LONE_SURROGATE.test(input)) throw new NoteError('MALFORMED_NOTE', `${what} is not valid UTF-8: it holds a lone surrogate`);
    text = input;
  } else {
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(input);
    } catch (cause) {
      throw new NoteError('MALFORMED_NOTE', `${what} is not valid UTF-8`, { cause });
    }
  }
  const control = CONTROL.exec(text);
  if (control !== null) {
    const code = control[0].charCodeAt(0).toString(16).padStart(2, '0');
    throw new NoteError('MALFORMED_NOTE', `${what} holds the control character 0x${code} at offset ${control.index}; only newline is allowed`);
  }
  return text;
}
