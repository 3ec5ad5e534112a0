import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { PortcullisError } from '../../domain/errors.ts';
import { parseMapping, type Mapping } from './mapping.ts';

/** Reads a mapping file; a missing file, bad JSON or a wrong field is an INVALID_MAPPING error. */
export async function loadMapping(path: string): Promise<Mapping> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new PortcullisError('INVALID_MAPPING', `cannot read mapping ${path}: ${(e as Error).message}`, [], { cause: e });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new PortcullisError('INVALID_MAPPING', `${path} is not valid JSON: ${(e as Error).message}`, [], { cause: e });
  }
  return parseMapping(doc, path);
}

/** Default place of the reject file: <dataDir>/rejects/<first input>.<time>.rejects.csv */
export function defaultRejectFile(dataDir: string, firstInput: string, now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return join(dataDir, 'rejects', `${basename(firstInput)}.${stamp}.rejects.csv`);
}
