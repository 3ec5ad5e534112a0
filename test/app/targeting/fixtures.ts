/**
 * Data and helpers for the targeting tests: declarations the project's own generator writes (with
 * their planted fraud), an AppContext around a store of the harness, the staff who act, a model
 * trained on the generated file, and rules put in force through the four-eyes lifecycle.
 * Expected numbers are computed in the tests from the generated rows themselves, never from the
 * code under test.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig } from '../../../src/app/config.ts';
import type { AppContext } from '../../../src/app/context.ts';
import { generateRows, writeGeneratedCsv, type GenerateOptions, type GeneratedRow } from '../../../src/app/generator/index.ts';
import { ingestFiles, type IngestSummary } from '../../../src/app/intake/ingest.ts';
import { loadMapping } from '../../../src/app/intake/load-mapping.ts';
import type { Mapping } from '../../../src/app/intake/mapping.ts';
import { writeModel, type ModelFile } from '../../../src/app/models/model-file.ts';
import { activateModel, registerModel } from '../../../src/app/models/registry.ts';
import { trainModel } from '../../../src/app/models/train-model.ts';
import { activateRule, approveRule, draftRule, submitRule } from '../../../src/app/targeting/rules.ts';
import { addUser } from '../../../src/app/targeting/users.ts';
import { isPortcullisError, type ErrorCode } from '../../../src/domain/errors.ts';
import type { RuleDefinitionInput, RuleVersion } from '../../../src/domain/rule.ts';
import type { StoreAdapter } from '../../../src/store/index.ts';

export const ROOT = resolve(import.meta.dirname, '../../..');
export const MAPPING_FILE = join(ROOT, 'examples/mappings/generated.json');

export function mapping(): Promise<Mapping> {
  return loadMapping(MAPPING_FILE);
}

/** The use cases' clock: fixed, so that two runs store the same decisions. */
export const CLOCK = (): Date => new Date('2026-01-05T09:00:00.000Z');

/** The application around a store the harness opened (the harness closes the store). */
export function appOf(store: StoreAdapter, clock: () => Date = CLOCK): AppContext {
  const config = loadConfig({});
  // Ledger keys made for the test's process, not written to ./data/keys.
  return { config: { ...config, ledger: { ...config.ledger, keysDir: null } }, store, clock, close: async () => {} };
}

export interface TempDir {
  readonly dir: string;
  path(name: string): string;
  cleanup(): void;
}

export function tempDir(prefix: string): TempDir {
  const dir = mkdtempSync(join(tmpdir(), `portcullis-${prefix}-`));
  return { dir, path: (name) => join(dir, name), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Generated {
  readonly file: string;
  /** The rows of the file, in file (filing) order. */
  readonly rows: readonly GeneratedRow[];
  readonly byId: ReadonlyMap<string, GeneratedRow>;
}

/** Writes generated declarations as CSV, and gives their rows (the same options give the same rows). */
export async function generated(file: string, opts: GenerateOptions): Promise<Generated> {
  const summary = await writeGeneratedCsv(file, opts);
  const rows = [...generateRows(opts)];
  assert.equal(summary.rows, rows.length);
  return { file, rows, byId: new Map(rows.map((r) => [r.declaration_id, r])) };
}

/**
 * Ingests generated CSV files into the store; every row must be accepted. Without labels, the
 * declarations are stored as live ones are: no outcome known until an officer records one.
 */
export async function ingest(store: StoreAdapter, files: readonly string[], rejectFile: string, o: { labels?: boolean } = {}): Promise<IngestSummary> {
  const m = await mapping();
  const s = await ingestFiles(store, files, { mapping: o.labels === false ? { ...m, labels: {} } : m, mappingName: 'generated.json', strict: false, rejectFile, clock: CLOCK });
  assert.equal(s.rejected, 0, `rejected rows: see ${rejectFile}`);
  return s;
}

/** Trains a small model on a generated file and writes it; the content hash is its id in the registry. */
export async function trainSmall(file: string, validFrom: string, out: string, seed = 7): Promise<{ model: ModelFile; path: string; id: string }> {
  const model = await trainModel({ files: [file], mapping: await mapping(), mappingName: 'generated.json', label: 'illicit', validFrom, seed, params: { rounds: 30 } });
  const id = await writeModel(out, model);
  return { model, path: out, id };
}

/**
 * The people who act: two analysts, two supervisors (so that one can approve the other's rules),
 * an officer, an auditor.
 */
export const STAFF = {
  ana: ['analyst'],
  alf: ['analyst'],
  sue: ['supervisor'],
  sam: ['supervisor'],
  oli: ['officer'],
  aud: ['auditor'],
} as const;

export async function addStaff(app: AppContext): Promise<void> {
  for (const [id, roles] of Object.entries(STAFF)) await addUser(app, { id, roles: [...roles] });
}

/** Registers a model file (by an analyst) and puts it in force (by a supervisor). */
export async function putModelInForce(app: AppContext, path: string): Promise<string> {
  const m = await registerModel(app, 'ana', path);
  const active = await activateModel(app, 'sue', m.id);
  assert.equal(active.status, 'active');
  return m.id;
}

/** Draft by `author`, submitted by them, approved and activated by `supervisor` (four eyes). */
export async function putRuleInForce(app: AppContext, author: string, supervisor: string, definition: RuleDefinitionInput): Promise<RuleVersion> {
  const v = await draftRule(app, author, definition);
  await submitRule(app, author, v.id);
  await approveRule(app, supervisor, v.id);
  const active = await activateRule(app, supervisor, v.id);
  assert.equal(active.status, 'active');
  return active;
}

/** A rule definition as an analyst writes it. */
export function ruleInput(name: string, condition: unknown, action: RuleDefinitionInput['action'], threat: RuleDefinitionInput['threat'] = 'revenue'): RuleDefinitionInput {
  return { name, reason: `${name}: selected for review`, threat, condition, action };
}

/** An assert.rejects predicate: a PortcullisError of this code, with a detail naming `field` when given. */
export function failsWith(code: ErrorCode, field?: string, message?: RegExp): (e: unknown) => boolean {
  return (e) => {
    assert.ok(isPortcullisError(e), `expected a PortcullisError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (field !== undefined) assert.ok(e.details.some((d) => d.field === field), `no detail names ${field}: ${JSON.stringify(e.details)}`);
    if (message !== undefined) assert.match(e.message, message);
    return true;
  };
}

/** The Wilson 95% interval, written out again here (Wilson 1927), to check the reports against. */
export function wilson(k: number, n: number): { rate: number; low: number; high: number } {
  if (n === 0) return { rate: Number.NaN, low: 0, high: 1 };
  const z = 1.959964;
  const p = k / n;
  const d = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / d;
  const half = (z / d) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  return { rate: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** Equal within a relative tolerance (sums of money are added in another order here). */
export function near(actual: number, expected: number, what: string, tolerance = 1e-9): void {
  assert.ok(Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected)), `${what}: ${actual}, expected ${expected}`);
}

/** The ISO time a generated row was filed at, as the store holds it. */
export const filedAt = (r: GeneratedRow): string => new Date(r.filed_at).toISOString();
