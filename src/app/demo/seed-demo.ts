import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { Party } from '../../domain/party.ts';
import { declarationsRepo, partiesRepo } from '../../store/index.ts';
import type { AppContext } from '../context.ts';
import { buildWorld, generateParties, writeGeneratedCsv } from '../generator/index.ts';
import { fileDeclarations } from '../ledger/record.ts';
import { ingestFiles, loadMapping, type IngestProgress, type IngestSummary } from '../intake/index.ts';

export const DEMO_ROWS = 10_000;
export const DEMO_SEED = 'portcullis-demo';
/** The mapping of what the generator writes; shipped with the product. */
export const GENERATED_MAPPING = fileURLToPath(new URL('../../../examples/mappings/generated.json', import.meta.url));

export interface DemoSeed {
  readonly seeded: boolean;
  readonly file?: string;
  readonly parties?: number;
  readonly ingest?: IngestSummary;
}

/**
 * On first start with an empty store, generates the demo data set, records its parties and ingests
 * its declarations, so that a newcomer sees a working system at once. Does nothing on a store that
 * already holds declarations.
 */
export async function seedDemoIfEmpty(
  app: AppContext,
  opts: { rows?: number; onGenerate?: (rows: number) => void; onIngest?: (p: IngestProgress) => void } = {},
): Promise<DemoSeed> {
  const { declarations } = await declarationsRepo(app.store.db).stats();
  if (declarations > 0) return { seeded: false };
  const rows = opts.rows ?? DEMO_ROWS;
  const dir = join(app.config.dataDir, 'demo');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'declarations.csv');
  await writeGeneratedCsv(file, { rows, seed: DEMO_SEED }, opts.onGenerate);
  const parties = generateParties(buildWorld({ seed: DEMO_SEED, rows })).map((p) => Party.parse(p));
  await partiesRepo(app.store.db).upsert(parties, app.clock().toISOString());
  const ingest = await ingestFiles(app.store, [file], {
    mapping: await loadMapping(GENERATED_MAPPING),
    mappingName: GENERATED_MAPPING,
    strict: false,
    rejectFile: join(dir, 'declarations.rejects.csv'),
    clock: app.clock,
    onProgress: opts.onIngest,
    onStored: fileDeclarations(app),
  });
  return { seeded: true, file, parties: parties.length, ingest };
}
