import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { usersRepo } from '../../store/index.ts';
import type { AppContext } from '../context.ts';
import { loadMapping } from '../intake/index.ts';
import { writeModel } from '../models/model-file.ts';
import { activateModel, registerModel } from '../models/registry.ts';
import { trainModel } from '../models/train-model.ts';
import { setBudget } from '../targeting/budgets.ts';
import { decideStored, type DecideSummary } from '../targeting/decide.ts';
import { approveRule, activateRule, draftRule, submitRule } from '../targeting/rules.ts';
import { addUser } from '../targeting/users.ts';
import { GENERATED_MAPPING } from './seed-demo.ts';

const EXAMPLE_RULE = fileURLToPath(new URL('../../../examples/rules/undervalued-electronics.json', import.meta.url));

/** The demo's people: an analyst, two supervisors (four eyes need two) and an officer. */
export const DEMO_USERS = [
  { id: 'ana', name: 'Ana (risk analyst)', roles: ['analyst'] },
  { id: 'sam', name: 'Sam (supervisor)', roles: ['supervisor'] },
  { id: 'sue', name: 'Sue (supervisor)', roles: ['supervisor', 'analyst'] },
  { id: 'olga', name: 'Olga (customs officer)', roles: ['officer'] },
] as const;

export interface TargetingSeed {
  readonly model: string;
  readonly rule: string;
  readonly decisions: DecideSummary;
}

/**
 * After the demo data is in: its people, a model trained on it (Nov–Dec validating) and put into
 * force, the example rule written by the analyst and approved by a supervisor, the default budget,
 * and a decision on every declaration, so that a newcomer sees targeting at work. Each step runs
 * through the same use cases the commands do. Does nothing on a store that has users already.
 */
export async function seedTargetingDemo(app: AppContext, demoFile: string, onProgress?: (step: string) => void): Promise<TargetingSeed | undefined> {
  if ((await usersRepo(app.store.db).list({ limit: 1 })).length > 0) return undefined;
  for (const u of DEMO_USERS) await addUser(app, { ...u, roles: [...u.roles] });
  onProgress?.('training the demo model');
  const mapping = await loadMapping(GENERATED_MAPPING);
  const model = await trainModel({ files: [demoFile], mapping, mappingName: GENERATED_MAPPING, label: 'illicit', validFrom: '2025-11-01', seed: 1 });
  const modelFile = join(app.config.dataDir, 'demo', 'model-illicit.json');
  await writeModel(modelFile, model);
  const registered = await registerModel(app, 'ana', modelFile);
  await activateModel(app, 'sam', registered.id);
  await setBudget(app, 'sam', { office: '*', redRate: 0.03, yellowRate: 0.02, exploreShare: 0.1, exploreMode: 'uncertainty' });
  const rule = await draftRule(app, 'ana', JSON.parse(await readFile(EXAMPLE_RULE, 'utf8')));
  await submitRule(app, 'ana', rule.id);
  await approveRule(app, 'sam', rule.id);
  await activateRule(app, 'sam', rule.id);
  onProgress?.('deciding the demo declarations');
  const decisions = await decideStored(app, { undecided: true, seed: 1 });
  return { model: registered.id, rule: `${rule.id}@${rule.version}`, decisions: { ...decisions, decisions: [] } };
}
