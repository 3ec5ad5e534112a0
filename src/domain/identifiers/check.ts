/** The result of an identifier check: the normalised value, or why it failed and what was expected. */
export type Check<T = string> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: string; readonly expected: string };

export const ok = <T>(value: T): Check<T> => ({ ok: true, value });
export const fail = <T = string>(reason: string, expected: string): Check<T> => ({ ok: false, reason, expected });
