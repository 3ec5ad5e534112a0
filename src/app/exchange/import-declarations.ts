import type { DeclarationInput, Declaration } from '../../domain/declaration.ts';
import { PortcullisError, type ErrorDetail } from '../../domain/errors.ts';
import type { Lane } from '../../domain/rule.ts';
import { can } from '../../security/policy.ts';
import type { AppContext } from '../context.ts';
import { ownersOf } from '../filing/declaration-views.ts';
import { fileDeclarations, validateDeclaration, type DecideFn, type FileFn } from '../filing/file-declarations.ts';
import type { ExchangeActor } from './actor.ts';
import { detailOf, type Problem } from './edifact-reader.ts';
import { sourceOf, type Mapped } from './mapped.ts';

/**
 * Files the declarations of an exchange file (CUSDEC interchange, WCO JSON document) through the
 * one filing path (filing/file-declarations.ts: validation, store, ledger, decision): each message
 * that maps and validates is filed, each that does not is reported with its message number and
 * reference, the segment and element (or JSON path) and what was expected; one bad message never
 * keeps the good ones out. A trader files only declarations of its own party (the policy's
 * declaration.file on the declaration's importer and declarant).
 */

export interface FiledMessage {
  readonly message: number;
  readonly reference: string | null;
  readonly id: string;
  readonly status: 'inserted' | 'duplicate';
  /** The lane decided (never the score or the reasons). */
  readonly lane: Lane | null;
}

export interface RejectedMessage {
  readonly message: number;
  readonly reference: string | null;
  readonly id: string | null;
  readonly details: readonly ErrorDetail[];
}

export interface ImportReport {
  readonly format: string;
  readonly messages: number;
  readonly accepted: number;
  readonly duplicates: number;
  readonly rejected: number;
  readonly filed: readonly FiledMessage[];
  readonly rejections: readonly RejectedMessage[];
  /** Problems of the envelope (UNB, UNZ) that rejected no message. */
  readonly envelope: readonly ErrorDetail[];
}

export interface FileOptions {
  readonly format: string;
  readonly actor: ExchangeActor;
  /** Where the declarations came from, stored with each (e.g. "cusdec:FILE" or "api:USER"). */
  readonly source: string;
  readonly decide: DecideFn;
  readonly file?: FileFn;
  readonly envelope?: readonly Problem[];
  /** "message" for EDIFACT, "declaration" for JSON: how rejections name the unit. */
  readonly noun?: string;
}

/** Refused (FORBIDDEN) unless the actor may import exchange files at all. */
export function checkImport(actor: ExchangeActor): void {
  if (actor === 'operator' || can(actor, 'exchange.import')) return;
  throw new PortcullisError('FORBIDDEN', `${actor.id} may not import exchange messages: none of the roles ${actor.roles.join(', ')} allows exchange.import`, [{ field: 'action', problem: 'exchange.import', expected: "an action the caller's roles allow" }]);
}

export async function fileMappedDeclarations(app: AppContext, mapped: readonly Mapped<DeclarationInput>[], o: FileOptions): Promise<ImportReport> {
  checkImport(o.actor);
  const noun = o.noun ?? 'message';
  const rejections: RejectedMessage[] = [];
  const reject = (m: Mapped<unknown>, id: string | null, problems: readonly Problem[]) => rejections.push({ message: m.index, reference: m.reference, id, details: problems.map((p) => detailOf(m, p, noun)) });
  const good: { m: Mapped<DeclarationInput>; d: Declaration }[] = [];
  const ids = new Map<string, number>();
  for (const m of mapped) {
    const idOf = m.id ?? null;
    if (m.value === undefined) {
      reject(m, idOf, m.problems);
      continue;
    }
    let d: Declaration;
    try {
      d = validateDeclaration(m.value);
    } catch (e) {
      if (!(e instanceof PortcullisError) || e.code !== 'INVALID_INPUT') throw e;
      reject(m, idOf, e.details.map((x) => ({ ...sourceOf(m.sources, x.field ?? ''), field: x.field, problem: x.problem, expected: x.expected ?? 'a valid value' })));
      continue;
    }
    if (o.actor !== 'operator' && !can(o.actor, 'declaration.file', { owners: ownersOf(d) })) {
      reject(m, d.id, [{ ...m.sources.get('importer'), field: 'importer', problem: `${o.actor.id} files for ${o.actor.party ?? 'no party'}, not for ${d.importer}${d.declarant === undefined ? '' : ` (declarant ${d.declarant})`}`, expected: 'your own party as importer or declarant' }]);
      continue;
    }
    const seen = ids.get(d.id);
    if (seen !== undefined) {
      reject(m, d.id, [{ ...m.sources.get('id'), field: 'id', problem: `declaration ${d.id} comes already in ${noun} ${seen}`, expected: `each declaration once per file` }]);
      continue;
    }
    ids.set(d.id, m.index);
    good.push({ m, d });
  }

  const filed: FiledMessage[] = [];
  if (good.length > 0) {
    const results = await fileDeclarations(app, good.map((g) => g.d), { source: o.source, decide: o.decide, ...(o.file === undefined ? {} : { file: o.file }) });
    results.forEach((f, i) => {
      const { m } = good[i]!;
      if (f.status === 'conflict') reject(m, f.id, [{ ...m.sources.get('id'), field: 'id', problem: `declaration ${f.id} is filed already with other content`, expected: 'a new declaration number, or an amendment of the filed declaration' }]);
      else filed.push({ message: m.index, reference: m.reference, id: f.id, status: f.status, lane: f.decision?.lane ?? null });
    });
  }
  rejections.sort((a, b) => a.message - b.message);
  return {
    format: o.format,
    messages: mapped.length,
    accepted: filed.filter((f) => f.status === 'inserted').length,
    duplicates: filed.filter((f) => f.status === 'duplicate').length,
    rejected: rejections.length,
    filed,
    rejections,
    envelope: (o.envelope ?? []).map((p) => detailOf({ index: 0, reference: null }, p, 'interchange')),
  };
}
