import { z } from 'zod';
import type { Check } from './identifiers/check.ts';

/**
 * A zod string schema that runs an identifier check and yields its normalised value; a failed
 * check becomes a zod issue whose message is the reason and what was expected.
 */
export function identifier(check: (s: string) => Check<string>) {
  return z.string().transform((s, ctx) => {
    const r = check(s);
    if (r.ok) return r.value;
    ctx.addIssue({ code: 'custom', message: `${r.reason}; expected ${r.expected}`, params: { reason: r.reason, expected: r.expected } });
    return z.NEVER;
  });
}
