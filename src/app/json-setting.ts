import { readFileSync } from 'node:fs';
import { PortcullisError } from '../domain/errors.ts';

/**
 * A setting given as JSON in the environment, or as @FILE holding it (PORTCULLIS_WITNESS_LOGS,
 * PORTCULLIS_SHARING): its value, and `bad`, which refuses it (CONFIG_ERROR) naming the setting,
 * the problem and what was expected. Unreadable JSON is refused here.
 */
export function jsonSetting(name: string, text: string, expected: string): { value: unknown; bad: (problem: string) => never } {
  const bad = (problem: string): never => {
    throw new PortcullisError('CONFIG_ERROR', `${name} ${problem}`, [{ field: name, problem, expected }]);
  };
  try {
    return { value: JSON.parse(text.startsWith('@') ? readFileSync(text.slice(1), 'utf8') : text), bad };
  } catch (e) {
    return bad(`is not readable JSON (${(e as Error).message})`);
  }
}
