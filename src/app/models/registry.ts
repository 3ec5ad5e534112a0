import { readFile } from 'node:fs/promises';
import { PortcullisError } from '../../domain/errors.ts';
import { modelsRepo } from '../../store/index.ts';
import type { AppContext } from '../context.ts';
import { requireActor } from '../targeting/actors.ts';
import { recordInLedger } from '../ledger/record.ts';
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

/** Adds a model file to the registry (again: nothing changes). Analysts and supervisors register models. */
export async function registerModel(app: AppContext, actor: string | undefined, path: string): Promise<RegisteredModel> {
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
  await repo.register({ id: model.contentHash, label: model.training.label, body: text, summary: { ...training, validation: measures }, by: user.id, at: app.clock().toISOString() });
  await recordInLedger(app, 'model.changed', [{ subject: `model:${model.contentHash}`, payload: { action: 'registered', model: model.contentHash, label: model.training.label, by: user.id, summary: { ...training, validation: measures } } }]);
  return (await listModels(app)).find((m) => m.id === model.contentHash)!;
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
