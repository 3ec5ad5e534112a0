import { readFile } from 'node:fs/promises';
import { PortcullisError } from '../../domain/errors.ts';
import { modelsRepo } from '../../store/index.ts';
import type { AppContext } from '../context.ts';
import { requireActor } from '../targeting/actors.ts';
import { recordInLedger } from '../ledger/record.ts';
import { ledgerOf } from '../ledger/ledger.ts';
import { parseModel, type ModelFile } from './model-file.ts';

/**
 * The models the service knows, by content hash, and the one in force per label. A model file is
 * kept whole in the store, so that every decision names a model that can be read back and checked.
 */
export interface RegisteredModel {
  readonly id: string;
  readonly label: string;
  readonly status: string;
  readonly registeredBy: string;
  readonly registeredAt: string;
  readonly activatedBy?: string | null | undefined;
  readonly activatedAt?: string | null | undefined;
  readonly summary: Record<string, unknown>;
}

/**
 * Adds a model file to the registry (again: nothing changes). Analysts and supervisors register models.
 * With a `jobKey` (a training job, src/app/jobs), the model is registered under it, once: a job run
 * again after its instance died finds the model the first run registered (registeredByJob), and the
 * ledger entry is added only when the subject has none yet.
 */
export async function registerModel(app: AppContext, actor: string | undefined, path: string, o: { readonly jobKey?: string } = {}): Promise<RegisteredModel> {
  const user = await requireActor(app, actor, ['analyst', 'supervisor'], 'register models');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new PortcullisError('INVALID_FILE', `cannot read model ${path}: ${(e as Error).message}`);
  }
  const model = parseModel(text, path);
  const { validation, ...training } = model.training;
  // The reliability bins are left out of the summary, as the rest of the validation is enough to list models by.
  const measures = Object.fromEntries(Object.entries(validation as Record<string, unknown>).filter(([k]) => k !== 'reliability'));
  const repo = modelsRepo(app.store.db);
  const added = await repo.register({ id: model.contentHash, label: model.training.label, body: text, summary: { ...training, validation: measures }, by: user.id, at: app.clock().toISOString(), ...(o.jobKey === undefined ? {} : { jobKey: o.jobKey }) });
  if (o.jobKey !== undefined && !added) {
    // Registered already: by this job (a run before this one), or as the same model by another.
    const id = (await repo.byJobKey(o.jobKey)) ?? model.contentHash;
    return (await registeredByJob(app, o.jobKey, id))!;
  }
  await recordInLedger(app, 'model.changed', [{ subject: `model:${model.contentHash}`, payload: { action: 'registered', model: model.contentHash, label: model.training.label, by: user.id, summary: { ...training, validation: measures } } }]);
  return (await listModels(app)).find((m) => m.id === model.contentHash)!;
}

/**
 * The model a training job registered (its job key), with its ledger entry made if the run that
 * registered it stopped before making it; undefined when the job registered none.
 */
export async function registeredByJob(app: AppContext, jobKey: string, id?: string): Promise<RegisteredModel | undefined> {
  const repo = modelsRepo(app.store.db);
  const found = id ?? (await repo.byJobKey(jobKey));
  if (found === undefined) return undefined;
  const m = (await listModels(app)).find((x) => x.id === found);
  if (m === undefined) return undefined;
  const subject = `model:${m.id}`;
  const entered = await ledgerOf(app).repo.latestAbout([subject], ['model.changed']);
  if (!entered.has(subject)) await recordInLedger(app, 'model.changed', [{ subject, payload: { action: 'registered', model: m.id, label: m.label, by: m.registeredBy, summary: m.summary } }]);
  return m;
}

/** Puts a registered model into force for its label; the one in force before is retired. Supervisors only. */
export async function activateModel(app: AppContext, actor: string | undefined, id: string): Promise<RegisteredModel> {
  const user = await requireActor(app, actor, ['supervisor'], 'activate models');
  const repo = modelsRepo(app.store.db);
  const m = await repo.get(id);
  if (m === undefined) throw new PortcullisError('NOT_FOUND', `no registered model "${id}" (portcullis models list shows them)`);
  await repo.activate(id, user.id, app.clock().toISOString());
  await recordInLedger(app, 'model.changed', [{ subject: `model:${id}`, payload: { action: 'activated', model: id, label: m.label, by: user.id } }]);
  return (await listModels(app)).find((x) => x.id === id)!;
}

export function listModels(app: AppContext): Promise<RegisteredModel[]> {
  return modelsRepo(app.store.db).list();
}

const PARSED = new Map<string, ModelFile & { contentHash: string }>();

/** The model in force for a label, read and checked once per process; undefined when none is. */
export async function activeModel(app: AppContext, label = 'illicit'): Promise<(ModelFile & { contentHash: string }) | undefined> {
  const m = await modelsRepo(app.store.db).active(label);
  if (m === undefined) return undefined;
  let parsed = PARSED.get(m.id);
  if (parsed === undefined) {
    parsed = parseModel(m.body, `model ${m.id}`);
    PARSED.set(m.id, parsed);
  }
  return parsed;
}
