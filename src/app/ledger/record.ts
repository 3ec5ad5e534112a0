import type { EntryType } from '../../ledger/entry/entry-type.ts';
import type { AppContext } from '../context.ts';
import type { DeclarationRecord } from '../../store/index.ts';
import { ledgerOf, type Appended, type NewEntry } from './ledger.ts';

/**
 * How use cases put what they did in the ledger: one entry per thing recorded, filed under its
 * subject (`declaration:ID` for a filing and everything decided or found about it, `rule:ID`,
 * `model:ID`, `user:ID`, `budget:OFFICE`, `alert:ID`), correcting the subject's latest entry of the
 * same kind when there is one (a new decision revision corrects the one before; nothing is deleted).
 */
export interface Recorded {
  readonly subject: string;
  readonly payload: unknown;
}

/** Which earlier entries a new one of a type corrects: the subject's latest of these types. */
const CORRECTS: Partial<Record<EntryType, readonly EntryType[]>> = {
  'declaration.amended': ['declaration.filed', 'declaration.amended'],
  'decision.made': ['decision.made'],
  'inspection.recorded': ['inspection.recorded'],
};

export async function recordInLedger(app: AppContext, type: EntryType, items: readonly Recorded[]): Promise<number[]> {
  return recordGroupsInLedger(app, [{ type, items }]);
}

/**
 * Several kinds of entry in one append (one durable write), in the order given: a service request
 * that files a declaration and decides it waits for one write to the disk instead of two.
 */
export async function recordGroupsInLedger(app: AppContext, groups: readonly { readonly type: EntryType; readonly items: readonly Recorded[] }[]): Promise<number[]> {
  return (await appendGroupsToLedger(app, groups)).durable;
}

/** The same append in two steps (Appended): committed, then durable. */
export async function appendGroupsToLedger(app: AppContext, groups: readonly { readonly type: EntryType; readonly items: readonly Recorded[] }[]): Promise<Appended> {
  if (groups.every((g) => g.items.length === 0)) return { committed: Promise.resolve([]), durable: Promise.resolve([]) };
  const ledger = ledgerOf(app);
  const entries: NewEntry[] = [];
  for (const { type, items } of groups) {
    if (items.length === 0) continue;
    const kinds = CORRECTS[type];
    const previous = kinds === undefined ? new Map<string, number>() : await ledger.repo.latestAbout([...new Set(items.map((i) => i.subject))], kinds);
    for (const i of items) entries.push({ type, subject: i.subject, payload: i.payload, corrects: previous.get(i.subject) ?? null });
  }
  return ledger.append(entries);
}

/**
 * The intake hook that files each newly stored declaration in the ledger — and each duplicate that
 * has no entry yet: a process that stopped between storing a batch and filing it leaves such
 * declarations, and ingesting the file again files them.
 */
export function fileDeclarations(app: AppContext): (inserted: readonly DeclarationRecord[], duplicates: readonly DeclarationRecord[]) => Promise<number[]> {
  return async (inserted, duplicates) => {
    const subject = (r: DeclarationRecord) => `declaration:${r.declaration.id}`;
    const filed = duplicates.length === 0 ? new Map<string, number>() : await ledgerOf(app).repo.latestAbout(duplicates.map(subject), ['declaration.filed']);
    const unfiled = duplicates.filter((r) => !filed.has(subject(r)));
    return recordInLedger(app, 'declaration.filed', [...inserted, ...unfiled].map((r) => ({ subject: subject(r), payload: r.declaration })));
  };
}

/** A privileged action (users, keys, budgets, model activations…): who did what to what. */
export function recordPrivileged(app: AppContext, actor: string, action: string, subject: string, detail: Record<string, unknown> = {}): Promise<number[]> {
  return recordInLedger(app, 'privileged.action', [{ subject, payload: { actor, action, ...detail } }]);
}
