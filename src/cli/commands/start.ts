import type { Command } from 'commander';
import { DEMO_ROWS, seedDemoIfEmpty } from '../../app/demo/seed-demo.ts';
import { seedTargetingDemo } from '../../app/demo/seed-targeting.ts';
import { seedIotDemo } from '../../app/demo/seed-iot.ts';
import { seedMovementsDemo } from '../../app/demo/seed-movements.ts';
import { join } from 'node:path';
import { storeSummary } from '../../app/queries.ts';
import { runAction } from '../output.ts';
import { withApp } from '../with-app.ts';
import { fmt, pct, progressLine } from '../progress.ts';

/**
 * What `npm start` runs. Until the service lands, it prepares the store: on first start it generates
 * the demo data and ingests it, then prints what the store holds.
 */
export function startCommand(program: Command): void {
  program
    .command('start')
    .description(`prepare the store (on first start: ${fmt(DEMO_ROWS)} demo declarations generated and ingested, a model trained on them and put in force, a rule approved, every declaration decided) and summarise it`)
    .option('--json', 'print one JSON object', false)
    .action((o: { json: boolean }) =>
      runAction(o.json, async (out) => {
        return withApp(async (app) => {
          const bar = progressLine();
          try {
            out.text(`portcullis: store ${app.store.description}`);
            const seed = await seedDemoIfEmpty(app, {
              onGenerate: (n) => bar.update(`generating demo data ${pct(n, DEMO_ROWS)}`),
              onIngest: (p) => bar.update(`ingesting demo data ${pct(p.bytesRead, p.bytesTotal)}  accepted ${fmt(p.accepted)}`),
            });
            bar.done();
            if (seed.seeded && seed.ingest) {
              out.text(`first start: generated ${fmt(seed.ingest.rows)} demo declarations and ${fmt(seed.parties ?? 0)} parties (${seed.file}); ingested ${fmt(seed.ingest.accepted)}, rejected ${fmt(seed.ingest.rejected)} in ${seed.ingest.seconds.toFixed(1)} s`);
            }
            const targeting = seed.seeded && seed.file !== undefined ? await seedTargetingDemo(app, seed.file, (step) => bar.update(step)) : undefined;
            bar.done();
            if (targeting !== undefined) {
              const d = targeting.decisions;
              out.text(`demo targeting: users ana (analyst), sam and sue (supervisors), olga (officer); model ${targeting.model.slice(0, 19)}… in force; rule ${targeting.rule} active; budget red 3% yellow 2%`);
              out.text(`decided ${fmt(d.decided)}: red ${fmt(d.lanes.red)}, yellow ${fmt(d.lanes.yellow)}, green ${fmt(d.lanes.green)} (${Object.entries(d.selectionTypes).map(([k, v]) => `${k} ${fmt(v)}`).join(', ')})`);
              const seals = await seedIotDemo(app, 'sam');
              if (seals.length > 0) out.text(`demo telemetry: e-seals ${seals.map((x) => `${x.device} on ${x.consignment}`).join(', ')}`);
              bar.update('recording the demo carriers\' movements');
              const moved = await seedMovementsDemo(app, 'sam', join(app.config.dataDir, 'demo'));
              bar.done();
              if (moved !== undefined) out.text(`demo movements: ${fmt(moved.movements)} carrier movements and ${fmt(moved.readings)} device readings recorded; ${fmt(moved.planted)} filings disagree with them (discrepancies)`);
            }
            const s = await storeSummary(app);
            out.result({ ok: true, seeded: seed.seeded, demo: seed.ingest ?? null, targeting: targeting ?? null, summary: s }, [
              `declarations ${fmt(s.declarations)} (goods items ${fmt(s.goodsItems)}), filed ${s.firstFiledAt ?? '-'} to ${s.lastFiledAt ?? '-'}`,
              `labelled ${fmt(s.labelled)}: illicit ${fmt(s.illicit)} (${pct(s.illicit, s.labelled)}), critical ${fmt(s.critical)}`,
              `next: ./bin/portcullis decisions list --lane red   |   ./bin/portcullis rules list   |   ./bin/portcullis --help`,
            ]);
          } finally {
            bar.done();
          }
        });
      }),
    );
}
