export { generateRows, type GenerateOptions } from './declarations.ts';
export {
  csvCell,
  formatCsvRow,
  GENERATED_COLUMNS,
  generatedCsvLine,
  writeGeneratedCsv,
  writeGeneratedJsonl,
  type WriteSummary,
} from './csv.ts';
export { FRAUD_PATTERNS, type FraudPattern, type GeneratedRow } from './row.ts';
export { buildWorld, generateParties, partyCounts, type GeneratedParty, type GeneratedPartyRole, type World } from './world.ts';
export { generateMovements, PLANTED_KINDS, type GeneratedMovements, type MovementOptions, type PlantedDiscrepancy, type PlantedKind } from './movements.ts';
export { createRandom, type Random } from './random.ts';
export { GOODS, goodsByHs, type GoodsLine } from './goods.ts';
export { USD_PER, LOW_VALUE_EUR } from './tariff.ts';
