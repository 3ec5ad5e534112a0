import type { z } from 'zod';
import type { ErrorDetail } from './errors.ts';

/**
 * The problems of a failed zod parse, one per issue: which field, what was wrong and what was
 * expected — the identifier checks' own expectation when there is one, else the schema's word for
 * the field (`expected`), else the issue's message.
 */
export function problemsOf(error: z.ZodError, expected: Readonly<Record<string, string>>, row?: number): ErrorDetail[] {
  return error.issues.map((i) => {
    const field = i.path.map(String).join('.') || '(record)';
    const params = (i as { params?: { reason?: unknown; expected?: unknown } }).params;
    const top = String(i.path[0] ?? '');
    const exp = typeof params?.expected === 'string' ? params.expected : (expected[field] ?? expected[top] ?? 'a valid value');
    const problem = typeof params?.reason === 'string' ? params.reason : i.message;
    return { ...(row === undefined ? {} : { row }), field, problem, expected: exp };
  });
}
