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

/** The user a command acts as: --as, else PORTCULLIS_USER. */
export function actorOf(o: { as?: string }): string | undefined {
  return o.as ?? (process.env.PORTCULLIS_USER?.trim() || undefined);
}

export const AS_OPTION = ['--as <user>', 'the user who acts (default: PORTCULLIS_USER)'] as const;

/** A number option within [min, max]; anything else is INVALID_INPUT naming the flag and what was expected. */
export function boundedNumber(flag: string, value: string, min: number, max: number, expected: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) throw new PortcullisError('INVALID_INPUT', `${flag} "${value}" is not ${expected}`, [{ field: flag, problem: `"${value}"`, expected }]);
  return n;
}
