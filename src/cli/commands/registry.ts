import { resolve } from 'node:path';
import type { Command } from 'commander';
import { activateModel, listModels, registerModel, type RegisteredModel } from '../../app/models/registry.ts';
import { actorOf, AS_OPTION } from '../options.ts';
import { runAction } from '../output.ts';
import { withApp } from '../with-app.ts';

const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : String(x));

export function registryCommand(program: Command): void {
  const registry = program.command('models').description('the models the service knows, and the one in force per label (used by decide)');
  const describe = (m: RegisteredModel) => {
    const v = (m.summary.validation ?? {}) as { auc?: number };
    return `${m.id}  ${m.label.padEnd(8)} ${m.status.padEnd(10)} validation AUC ${v.auc === undefined ? '-' : f3(v.auc)}  registered by ${m.registeredBy}${m.activatedBy ? `, activated by ${m.activatedBy}` : ''}`;
  };
  registry
    .command('register')
    .description('add a model file written by train to the registry (analysts, supervisors)')
    .argument('<file>', 'a model file')
    .option(...AS_OPTION)
    .option('--json', 'print one JSON object', false)
    .action((file: string, o: { as?: string; json: boolean }) =>
      runAction(o.json, (out) =>
        withApp(async (app) => {
          const m = await registerModel(app, actorOf(o), resolve(file));
          out.result({ ok: true, model: m }, [describe(m), `next: portcullis models activate ${m.id} --as SUPERVISOR`]);
        }),
      ),
    );
  registry
    .command('activate')
    .description('put a registered model into force for its label; the one before is retired (supervisors)')
    .argument('<id>', 'the model id (its content hash, sha256:…)')
    .option(...AS_OPTION)
    .option('--json', 'print one JSON object', false)
    .action((id: string, o: { as?: string; json: boolean }) =>
      runAction(o.json, (out) =>
        withApp(async (app) => {
          const m = await activateModel(app, actorOf(o), id);
          out.result({ ok: true, model: m }, [describe(m)]);
        }),
      ),
    );
  registry
    .command('list')
    .description('list the registered models')
    .option('--json', 'print one JSON object', false)
    .action((o: { json: boolean }) =>
      runAction(o.json, (out) =>
        withApp(async (app) => {
          const models = await listModels(app);
          out.result({ models }, models.length === 0 ? ['no models registered: portcullis train …, then portcullis models register FILE'] : models.map(describe));
        }),
      ),
    );
}
