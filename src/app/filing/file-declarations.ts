import { Declaration } from '../../domain/declaration.ts';
import { acceptDeclaration } from '../../domain/declaration-accept.ts';
import type { Decision } from '../../domain/decision.ts';
import { PortcullisError, type ErrorDetail } from '../../domain/errors.ts';
import { declarationsRepo, decisionsRepo, filingRepo, type DeclarationRecord, type WriteStatus } from '../../store/index.ts';
import type { AppContext } from '../context.ts';
import { recordInLedger } from '../ledger/record.ts';

/**
 * Filing declarations through the service: validate, store, put in the ledger, decide. A
 * declaration filed again with the same content is a duplicate (its decision is returned, nothing
 * changes); another content under a stored id is a conflict. An amendment replaces what is stored,
 * goes into the ledger as a correction of the filing, and is decided again.
 */
export interface Filed {
  readonly id: string;
  readonly status: WriteStatus;
  /** The latest decision: made now for a new filing, the one stored for a duplicate; absent for a conflict. */
  readonly decision?: Decision | undefined;
}

export type DecideFn = (declarations: readonly Declaration[]) => Promise<Decision[]>;

const expectedOf = (field: string): string => {
  if (field.startsWith('items')) return 'goods items numbered 1, 2, 3… each with hsCode (6–10 digits), customsValue (≥ 0) and currency (ISO 4217)';
  switch (field) {
    case 'id': return 'the declaration id, 1 to 64 characters';
    case 'filedAt': return 'an ISO 8601 UTC time such as 2026-01-01T00:00:00Z';
    case 'containers': return 'ISO 6346 container numbers with a valid check digit';
    case 'exportCountry': return 'an ISO 3166-1 alpha-2 country code';
    case 'portOfLoading': case 'portOfDischarge': return 'a UN/LOCODE such as NLRTM';
    default: return 'a value as the Declaration schema says (/api/v1/openapi.json)';
  }
};

/** Validates one declaration as submitted; INVALID_INPUT naming each field (prefixed by `at`, e.g. "declarations.3"). */
export function validateDeclaration(input: unknown, at = ''): Declaration {
  const fast = acceptDeclaration(input);
  if (fast !== undefined) return fast;
  const r = Declaration.safeParse(input);
  if (r.success) return r.data;
  const details: ErrorDetail[] = r.error.issues.map((i) => {
    const field = i.path.map(String).join('.');
    return { field: [at, field].filter((s) => s !== '').join('.') || '(declaration)', problem: i.message, expected: expectedOf(field) };
  });
  throw new PortcullisError('INVALID_INPUT', `the declaration is not valid: ${details.map((d) => `${d.field}: ${d.problem}`).join('; ')}`, details);
}

/** Stores validated declarations, files the new ones in the ledger and decides them; one Filed each, in order. */
export type FileFn = (records: readonly DeclarationRecord[]) => Promise<Filed[]>;

/**
 * Validates every declaration first (all or none are filed), then files and decides them: through
 * `file` when given (the service's FilingQueue, which gathers concurrent requests), else at once.
 */
export async function fileDeclarations(app: AppContext, inputs: readonly unknown[], o: { source: string; decide: DecideFn; file?: FileFn; check?: (d: Declaration) => void }): Promise<Filed[]> {
  const details: ErrorDetail[] = [];
  const declarations: Declaration[] = [];
  inputs.forEach((input, row) => {
    try {
      const d = validateDeclaration(input, inputs.length === 1 ? '' : `declarations.${row}`);
      o.check?.(d);
      declarations.push(d);
    } catch (e) {
      if (!(e instanceof PortcullisError) || e.code !== 'INVALID_INPUT') throw e;
      details.push(...e.details.map((x) => ({ ...x, row })));
    }
  });
  if (details.length > 0) throw new PortcullisError('INVALID_INPUT', `${new Set(details.map((d) => d.row)).size} of ${inputs.length} declarations are not valid; none was filed`, details.slice(0, 100));
  const ids = new Set<string>();
  for (const [row, d] of declarations.entries()) {
    if (ids.has(d.id)) throw new PortcullisError('INVALID_INPUT', `declaration ${d.id} comes twice in the batch; none was filed`, [{ row, field: `declarations.${row}.id`, problem: `${d.id} repeated`, expected: 'each id once' }]);
    ids.add(d.id);
  }
  const now = app.clock().toISOString();
  const records: DeclarationRecord[] = declarations.map((declaration) => ({ declaration, labels: {}, source: o.source, ingestedAt: now }));
  return (o.file ?? ((rs) => fileRecords(app, rs, o.decide)))(records);
}

/**
 * Stores validated declarations (one transaction), files the new ones in the ledger (one append)
 * and decides them (one batch). A record whose id comes twice is a duplicate or a conflict the
 * second time.
 */
async function fileRecords(app: AppContext, records: readonly DeclarationRecord[], decide: DecideFn): Promise<Filed[]> {
  const statuses = await filingRepo(app.store.db).insert(records);
  const fresh = records.filter((_, i) => statuses[i] === 'inserted').map((r) => r.declaration);
  await recordInLedger(app, 'declaration.filed', fresh.map((d) => ({ subject: `declaration:${d.id}`, payload: d })));
  const decided = new Map((await decide(fresh)).map((d) => [d.declarationId, d]));
  const stored = await decisionsRepo(app.store.db).latestOf(records.filter((_, i) => statuses[i] === 'duplicate').map((r) => r.declaration.id));
  return records.map((r, i) => {
    const id = r.declaration.id;
    const status = statuses[i]!;
    return { id, status, decision: status === 'inserted' ? decided.get(id) : status === 'duplicate' ? stored.get(id) : undefined };
  });
}

/**
 * Replaces a filed declaration with an amended one (same id), records the amendment in the ledger
 * (correcting the filing) and decides it again. `check` sees the stored and the amended declaration
 * (ownership: the caller may not hand the declaration to another party).
 */
export async function amendDeclaration(app: AppContext, id: string, input: unknown, o: { decide: DecideFn; check?: (stored: Declaration, amended: Declaration) => void }): Promise<{ declaration: Declaration; decision: Decision | undefined }> {
  const stored = await declarationsRepo(app.store.db).get(id);
  if (stored === undefined) throw new PortcullisError('NOT_FOUND', `no declaration "${id}"`);
  const amended = validateDeclaration(input);
  if (amended.id !== id) throw new PortcullisError('INVALID_INPUT', `an amendment keeps the declaration's id: ${id}`, [{ field: 'id', problem: `"${amended.id}"`, expected: `"${id}"` }]);
  o.check?.(stored.declaration, amended);
  if (JSON.stringify(amended) === JSON.stringify(stored.declaration)) throw new PortcullisError('CONFLICT', `the amendment of ${id} changes nothing`, [{ field: '(declaration)', problem: 'same as filed', expected: 'a declaration that differs from the one filed' }]);
  if (!(await filingRepo(app.store.db).replace({ declaration: amended, labels: stored.labels, source: stored.source, ingestedAt: app.clock().toISOString() }))) throw new PortcullisError('NOT_FOUND', `no declaration "${id}"`);
  await recordInLedger(app, 'declaration.amended', [{ subject: `declaration:${id}`, payload: amended }]);
  const [decision] = await o.decide([amended]);
  return { declaration: amended, decision };
}
