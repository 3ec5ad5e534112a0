import { PortcullisError } from '../domain/errors.ts';

/** A command-line option that must be a positive whole number; anything else is INVALID_INPUT naming the flag. */
export function positiveInt(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new PortcullisError('INVALID_INPUT', `${flag} "${value}" is not a positive whole number`, [
      { field: flag, problem: `"${value}"`, expected: 'a positive whole number' },
    ]);
  }
  return n;
}
