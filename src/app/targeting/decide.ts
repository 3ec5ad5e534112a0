import { randomInt } from 'node:crypto';
import type { Declaration } from '../../domain/declaration.ts';
import type { Budget, Decision } from '../../domain/decision.ts';
import { decide, modelViews, modelViewsOn, type ConsignmentAlert, type DecisionInputs, type ModelView, type RiskModel } from '../../risk/decision/decide.ts';
import { ExplainThread } from '../../risk/gbdt/explain-thread.ts';
import { SeededRandom } from '../../risk/random.ts';
import { compileRuleSet } from '../../risk/rules/rule-set.ts';
import { newSelectorState, rescore, type SelectorState } from '../../risk/selection/selector.ts';
import { CAPACITY } from '../../risk/selection/window.ts';
import { scoreDeclarations } from '../../risk/scoring/score-batch.ts';
import { sigmoid } from '../../risk/gbdt/tree.ts';
import { PortcullisError } from '../../domain/errors.ts';
import { alertsRepo, budgetsRepo, declarationsRepo, decisionsRepo, rulesRepo, selectorStateRepo } from '../../store/index.ts';
import type { AppContext } from '../context.ts';
import { activeModel } from '../models/registry.ts';
import { appendGroupsToLedger } from '../ledger/record.ts';
import { DEFAULT_BUDGET } from './budgets.ts';

/**
 * Deciding declarations as they arrive: the model and rules in force, each office's budget and
 * running selector state, loaded once; each batch of decisions is stored together with the states
 * it moved, so that a restart goes on where it stopped.
 */
export interface Decider {
  readonly inputs: DecisionInputs;
  /**
   * Decides declarations (in the order given) and stores the decisions. `filed`: declarations
   * stored but not yet in the ledger, whose filing entries go into the same append as the
   * decisions, before them.
   */
  decide(declarations: readonly Declaration[], o?: { filed?: readonly Declaration[] }): Promise<Decision[]>;
  /**
   * The same, resolving as soon as the decisions are stored and their ledger entries committed
   * (so that a next batch sees them), with `durable` for when those entries are on disk: a
   * pipeline decides its next batch meanwhile, and acknowledges each at `durable`.
   */
  decideStaged(declarations: readonly Declaration[], o?: { filed?: readonly Declaration[] }): Promise<{ decisions: Decision[]; durable: Promise<unknown> }>;
  /**
   * Starts the model's view (probability and explained reasons) of declarations about to be
   * decided, on the explanation thread, so that it is ready when their batch comes: the thread
   * explains the next batch while this one is stored and put in the ledger. Without a thread, or
   * for declarations not prepared, `decide` works the views out itself.
   */
  prepare(declarations: readonly Declaration[]): void;
  /** Saves the selector states not saved yet, and ends the explanation thread, if it has one. */
  close(): Promise<void>;
}

export interface DeciderOptions {
  /** Seed of the exploration draws, to repeat a run; by default a fresh one (so that no trader can foresee a draw). */
  readonly seed?: number;
  readonly label?: string;
  /**
   * Explain on a thread of its own (explain-thread.ts), for a long-lived decider (the service's):
   * the main thread reads the next requests meanwhile. A thread costs about a second to start.
   */
  readonly explainOnThread?: boolean;
  /**
   * Save the offices' selector states with a batch of decisions only when this long has passed
   * since they were last saved (and at close), instead of with every batch. The service's decider
   * saves them each second: about 22 KB of state per office, rewritten with every batch, was a
   * tenth of a filing's cost. After a crash, a restart then goes on from states up to that old:
   * its thresholds have seen a second's fewer scores. Decisions, and the propensities stored with
   * them, are never lost with it. 0 (the default): with every batch.
   */
  readonly saveStatesEveryMs?: number;
}

export async function openDecider(app: AppContext, o: DeciderOptions = {}): Promise<Decider> {
  const db = app.store.db;
  const m = await activeModel(app, o.label ?? 'illicit');
  const model: RiskModel | undefined = m === undefined ? undefined : { id: m.contentHash, pipeline: m.pipeline, booster: m.booster };
  const rules = compileRuleSet(await rulesRepo(db).active());
  const budgets = new Map<string, Budget>((await budgetsRepo(db).list()).map((b) => [b.office, b]));
  const states = new Map<string, SelectorState>();
  /** Offices whose states moved since they were last saved, and when that was. */
  const unsaved = new Set<string>();
  let savedAt = -Infinity;
  const statesOf = (offices: Iterable<string>) => [...offices].map((office) => ({ office, state: states.get(office)! }));
  const random = new SeededRandom(o.seed ?? randomInt(2 ** 32 - 1));
  const explainer = o.explainOnThread === true && model !== undefined ? new ExplainThread(model.booster) : undefined;
  // Discrepancies across parties (open `discrepancy` alerts) of the batch being decided: a fact for rules.
  let discrepancies = new Map<string, number>();
  // Open telemetry alerts (src/app/iot/) about the consignments of the batch: reasons, points, a mandated red.
  let telemetryAlerts = new Map<string, ConsignmentAlert[]>();
  const inputs: DecisionInputs = {
    discrepanciesOf: (id) => discrepancies.get(id) ?? 0,
    alertsOf: (id) => telemetryAlerts.get(id) ?? [],
    model,
    rules,
    budgetOf: (office) => budgets.get(office) ?? budgets.get('*') ?? DEFAULT_BUDGET,
    stateOf: (office) => {
      let s = states.get(office);
      if (s === undefined) states.set(office, (s = newSelectorState()));
      return s;
    },
    random: () => random.next(),
  };
  /** Views started by `prepare`, by declaration (the object handed in). */
  const prepared = new WeakMap<Declaration, Promise<ModelView>>();
  const prepare = (ds: readonly Declaration[]): void => {
    if (model === undefined || explainer === undefined || ds.length === 0) return;
    const views = modelViewsOn(explainer, model, ds);
    views.catch(() => undefined);
    ds.forEach((d, i) => prepared.set(d, views.then((v) => v[i]!)));
  };
  const preparedViews = async (ds: readonly Declaration[]): Promise<ModelView[]> => {
    prepare(ds.filter((d) => !prepared.has(d)));
    const views = await Promise.all(ds.map((d) => prepared.get(d)!));
    for (const d of ds) prepared.delete(d);
    return views;
  };
  const decideStaged: Decider['decideStaged'] = async (declarations, d0 = {}) => {
    // Offices' states as last stored, read before their first decision in this process.
    for (const office of new Set(declarations.map((d) => d.customsOffice))) {
      if (states.has(office)) continue;
      const state = ((await selectorStateRepo(db).get(office)) as SelectorState | undefined) ?? newSelectorState();
      // Thresholds drawn from another model's scores mean nothing for this one: the office's
      // recent traffic, scored by the model in force, starts its sample of scores afresh.
      if (model !== undefined && state.scoredBy !== model.id) {
        const recent = await declarationsRepo(db).newest(office, CAPACITY);
        rescore(state, Array.from(scoreDeclarations(model.pipeline, model.booster, recent.map((r) => r.declaration)), sigmoid), model.id);
      }
      states.set(office, state);
    }
    const revisions = await decisionsRepo(db).latestRevisions(declarations.map((d) => d.id));
    discrepancies = new Map();
    for (const a of await alertsRepo(db).openAbout('discrepancy', declarations.map((d) => d.id))) {
      const n = Array.isArray(a.detail.discrepancies) ? a.detail.discrepancies.length : 1;
      discrepancies.set(a.subject, (discrepancies.get(a.subject) ?? 0) + n);
    }
    telemetryAlerts = new Map();
    for (const a of await alertsRepo(db).openAbout('telemetry', declarations.map((d) => d.id))) {
      const list = telemetryAlerts.get(a.subject) ?? [];
      list.push({ code: a.id, severity: a.severity, message: a.message });
      telemetryAlerts.set(a.subject, list);
    }
    const views = model === undefined ? undefined : explainer !== undefined ? await preparedViews(declarations) : modelViews(model, declarations);
    const now = app.clock().toISOString();
    const decisions = declarations.map((d, i) => decide(inputs, d, now, (revisions.get(d.id) ?? 0) + 1, views?.[i]));
    for (const d of declarations) unsaved.add(d.customsOffice);
    const due = performance.now() - savedAt >= (o.saveStatesEveryMs ?? 0);
    await decisionsRepo(db).insertWithStates(decisions, due ? statesOf(unsaved) : [], now);
    if (due) {
      unsaved.clear();
      savedAt = performance.now();
    }
    const appended = await appendGroupsToLedger(app, [
      { type: 'declaration.filed', items: (d0.filed ?? []).map((d) => ({ subject: `declaration:${d.id}`, payload: d })) },
      { type: 'decision.made', items: decisions.map((d) => ({ subject: `declaration:${d.declarationId}`, payload: d })) },
    ]);
    await appended.committed;
    return { decisions, durable: appended.durable };
  };
  return {
    inputs,
    prepare,
    async decide(declarations, d0 = {}) {
      const staged = await decideStaged(declarations, d0);
      await staged.durable;
      return staged.decisions;
    },
    decideStaged,
    close: async () => {
      await explainer?.close();
      if (unsaved.size > 0) await selectorStateRepo(db).putMany(statesOf(unsaved), app.clock().toISOString());
      unsaved.clear();
    },
  };
}

export interface DecideSummary {
  readonly decided: number;
  readonly lanes: Record<'green' | 'yellow' | 'red', number>;
  readonly selectionTypes: Record<string, number>;
  readonly model: string | null;
  readonly rules: number;
  readonly decisions: readonly Decision[];
}

/**
 * Decides stored declarations: the ones named, or those not decided yet (in filing order, up to a
 * limit), a thousand at a time. Keeps the decisions themselves only for the named ones.
 */
export async function decideStored(app: AppContext, o: DeciderOptions & { ids?: readonly string[]; undecided?: boolean; limit?: number; onProgress?: (decided: number) => void }): Promise<DecideSummary> {
  const decider = await openDecider(app, o);
  const lanes = { green: 0, yellow: 0, red: 0 };
  const selectionTypes: Record<string, number> = {};
  const kept: Decision[] = [];
  let decided = 0;
  const tally = (ds: readonly Decision[], keep: boolean) => {
    for (const d of ds) {
      lanes[d.lane] += 1;
      selectionTypes[d.selectionType] = (selectionTypes[d.selectionType] ?? 0) + 1;
    }
    decided += ds.length;
    if (keep) kept.push(...ds);
    o.onProgress?.(decided);
  };
  const repo = declarationsRepo(app.store.db);
  if (o.ids !== undefined && o.ids.length > 0) {
    const found = await Promise.all(o.ids.map((id) => repo.get(id)));
    const missing = o.ids.filter((_, i) => found[i] === undefined);
    if (missing.length > 0) throw new PortcullisError('NOT_FOUND', `no declaration ${missing.map((m) => `"${m}"`).join(', ')}`, missing.map((m) => ({ field: 'id', problem: `"${m}" not found`, expected: 'the id of a filed declaration' })));
    tally(await decider.decide(found.map((f) => f!.declaration)), true);
  } else if (o.undecided) {
    const limit = o.limit ?? Number.POSITIVE_INFINITY;
    let after: { filedAt: string; id: string } | undefined;
    while (decided < limit) {
      const batch = await decisionsRepo(app.store.db).undecided(Math.min(1000, limit - decided), after);
      if (batch.length === 0) break;
      tally(await decider.decide(batch), false);
      const last = batch[batch.length - 1]!;
      after = { filedAt: last.filedAt, id: last.id };
    }
  }
  return { decided, lanes, selectionTypes, model: decider.inputs.model?.id ?? null, rules: decider.inputs.rules.versions.length, decisions: kept };
}
