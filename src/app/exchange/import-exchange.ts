import type { AppContext } from '../context.ts';
import type { DecideFn, FileFn } from '../filing/file-declarations.ts';
import type { ExchangeActor } from './actor.ts';
import { mapCuscar } from './cuscar.ts';
import { mapCusdec } from './cusdec.ts';
import { readInterchange } from './edifact-reader.ts';
import { checkImport, fileMappedDeclarations, type ImportReport } from './import-declarations.ts';
import { recordMappedMovements, type MovementImportReport } from './import-movements.ts';
import { readWcoJson } from './wco-json.ts';

export const EXCHANGE_FORMATS = ['cusdec', 'cuscar', 'wco-json'] as const;
export type ExchangeFormat = (typeof EXCHANGE_FORMATS)[number];

export interface ImportOptions {
  readonly actor: ExchangeActor;
  /** Stored with each declaration: where it came from. */
  readonly source: string;
  readonly decide: DecideFn;
  readonly file?: FileFn;
}

/**
 * One exchange file in, whatever its format: a CUSDEC interchange or a WCO JSON document filed as
 * declarations, a CUSCAR interchange recorded as carrier movements. Who may not import at all is
 * refused before the file is read.
 */
export async function importExchange(app: AppContext, format: ExchangeFormat, text: string, o: ImportOptions): Promise<ImportReport | MovementImportReport> {
  checkImport(o.actor);
  if (format === 'wco-json') return fileMappedDeclarations(app, readWcoJson(text), { ...o, format, noun: 'declaration' });
  const interchange = readInterchange(text);
  if (format === 'cuscar') return recordMappedMovements(app, interchange.messages.map(mapCuscar), { actor: o.actor, envelope: interchange.problems });
  return fileMappedDeclarations(app, interchange.messages.map(mapCusdec), { ...o, format, envelope: interchange.problems });
}
