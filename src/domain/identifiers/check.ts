/** The result of an identifier check: the normalised value, or why it failed and what was expected. */
export type Check<T = string> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: string; readonly expected: string };

export const ok = <T>(value: T): Check<T> => ({ ok: true, value });
export const fail = <T = string>(reason: string, expected: string): Check<T> => ({ ok: false, reason, expected });

/**
 * A check that remembers its last few thousand answers. Customs data repeats the same codes on
 * millions of rows (currencies, HS codes, ports), and a remembered answer costs no text work.
 */
export function remembered(check: (s: string) => Check<string>, limit = 4096): (s: string) => Check<string> {
  const seen = new Map<string, Check<string>>();
  return (s) => {
    if (typeof s !== 'string') return check(s);
    let r = seen.get(s);
    if (r === undefined) {
      r = check(s);
      if (seen.size >= limit) seen.clear();
      seen.set(s, r);
    }
    return r;
  };
}
