/**
 * Generated declarations in a store, with the carrier movements and telemetry the generator makes
 * for them (planted discrepancies listed), written as JSON Lines files, and the users who record.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import type { AppContext } from '../../../src/app/context.ts';
import { generateMovements, generateRows, writeGeneratedCsv, type GeneratedMovements, type GeneratedRow } from '../../../src/app/generator/index.ts';
import { ingestFiles } from '../../../src/app/intake/ingest.ts';
import { addUser } from '../../../src/app/targeting/users.ts';
import { mapping, type TempDir } from '../targeting/fixtures.ts';

export interface MovementData extends GeneratedMovements {
  readonly rows: readonly GeneratedRow[];
  readonly movementsFile: string;
  readonly telemetryFile: string;
}

export const jsonl = (records: readonly unknown[]) => records.map((r) => JSON.stringify(r)).join('\n') + '\n';

export function movementData(tmp: TempDir, rows = 400, seed = 'movements', discrepancyShare = 0.12): MovementData & { opts: { rows: number; seed: string; start: string; days: number } } {
  const opts = { rows, seed, start: '2025-01-06', days: 60 };
  const generated = [...generateRows(opts)];
  const m = generateMovements(generated, { seed, discrepancyShare });
  const movementsFile = tmp.path(`${seed}-movements.jsonl`);
  const telemetryFile = tmp.path(`${seed}-telemetry.jsonl`);
  writeFileSync(movementsFile, jsonl(m.movements));
  writeFileSync(telemetryFile, jsonl(m.telemetry));
  return { ...m, rows: generated, movementsFile, telemetryFile, opts };
}

/** Ingests the generated declarations and adds the users: cora (carrier of everything, as an officer would), olga officer, ana analyst. */
export async function storeDeclarations(app: AppContext, tmp: TempDir, data: ReturnType<typeof movementData>): Promise<void> {
  const csv = tmp.path(`${data.opts.seed}.csv`);
  await writeGeneratedCsv(csv, data.opts);
  const s = await ingestFiles(app.store, [csv], { mapping: await mapping(), mappingName: 'generated.json', strict: false, rejectFile: tmp.path('rejects.csv'), clock: app.clock });
  assert.equal(s.accepted, data.rows.length);
  await addUser(app, { id: 'olga', roles: ['officer'] });
  await addUser(app, { id: 'ana', roles: ['analyst'] });
  await addUser(app, { id: 'dev', roles: ['device'] });
  await addUser(app, { id: 'maeu', roles: ['carrier'], party: 'MAEU' });
}
