import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { PortcullisError } from '../../domain/errors.ts';
import type { FittedPipeline } from '../../risk/features/pipeline.ts';
import type { Booster, Tree } from '../../risk/gbdt/tree.ts';

/**
 * The model file: versioned JSON holding the feature pipeline, the trees, what the model was
 * trained on and how well it did, and a SHA-256 content hash of the rest (docs/model-format.md).
 * No clock time goes in, so that training twice with the same seed writes the same file.
 */
export const MODEL_FORMAT = 'portcullis-model';
export const MODEL_VERSION = 1;

export interface TrainingRecord {
  readonly label: string;
  readonly files: readonly { readonly name: string; readonly sha256: string }[];
  readonly mapping: string;
  readonly trainPeriod: { readonly from: string | null; readonly to: string | null };
  readonly validFrom: string;
  readonly rows: { readonly train: number; readonly valid: number; readonly rejected: number };
  readonly positives: { readonly train: number; readonly valid: number };
  readonly params: Record<string, unknown>;
  readonly rounds: number;
  readonly validation: Record<string, unknown>;
}

export interface ModelFile {
  readonly format: typeof MODEL_FORMAT;
  readonly version: typeof MODEL_VERSION;
  readonly training: TrainingRecord;
  readonly pipeline: FittedPipeline;
  readonly booster: Booster;
}

const TREE_KEYS = ['feature', 'threshold', 'bin', 'missingLeft', 'left', 'right', 'value', 'cover', 'gain'] as const;

/** The model as JSON text, with its content hash. */
export function serializeModel(m: ModelFile): string {
  const body = {
    format: m.format,
    version: m.version,
    training: m.training,
    pipeline: m.pipeline,
    booster: {
      baseScore: m.booster.baseScore,
      featureCount: m.booster.featureCount,
      trees: m.booster.trees.map((t) => Object.fromEntries(TREE_KEYS.map((k) => [k, Array.from(t[k])]))),
    },
  };
  const text = JSON.stringify(body);
  const hash = createHash('sha256').update(text).digest('hex');
  // The same text as stringifying the body with contentHash added last, without doing it twice.
  return `${text.slice(0, -1)},${JSON.stringify('contentHash')}:${JSON.stringify(`sha256:${hash}`)}}\n`;
}

const nums = z.array(z.number());
const TreeJson = z.object({ feature: nums, threshold: nums, bin: nums, missingLeft: nums, left: nums, right: nums, value: nums, cover: nums, gain: nums });
const ModelJson = z.object({
  format: z.literal(MODEL_FORMAT),
  version: z.literal(MODEL_VERSION),
  training: z.record(z.string(), z.unknown()),
  pipeline: z.object({ version: z.literal(1), names: z.array(z.string()), targets: z.array(z.string()).min(1), priors: z.array(z.number()).min(1), encoders: z.record(z.string(), z.unknown()) }).passthrough(),
  booster: z.object({ baseScore: z.number(), featureCount: z.number().int(), trees: z.array(TreeJson) }),
  contentHash: z.string().regex(/^sha256:[0-9a-f]{64}$/),
});

/** Reads a model file, checking its shape and its content hash. */
export function parseModel(text: string, path = 'model'): ModelFile & { contentHash: string } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new PortcullisError('INVALID_FILE', `${path} is not JSON: ${(e as Error).message}`);
  }
  const r = ModelJson.safeParse(doc);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new PortcullisError('INVALID_FILE', `${path} is not a Portcullis model file: ${i.path.join('.') || '(top)'}: ${i.message}`, [{ field: i.path.join('.'), problem: i.message, expected: `a ${MODEL_FORMAT} version ${MODEL_VERSION} file` }]);
  }
  const { contentHash, ...rest } = r.data;
  // The hash covers the file's own text order, not the order the schema gives back.
  const raw: Record<string, unknown> = { ...(doc as Record<string, unknown>) };
  delete raw.contentHash;
  const hash = createHash('sha256').update(JSON.stringify(raw)).digest('hex');
  if (`sha256:${hash}` !== contentHash) throw new PortcullisError('INVALID_FILE', `${path}: the content hash does not match the content (the file was changed after training)`);
  const trees: Tree[] = rest.booster.trees.map((t) => ({
    feature: Int32Array.from(t.feature),
    threshold: Float64Array.from(t.threshold),
    bin: Uint8Array.from(t.bin),
    missingLeft: Uint8Array.from(t.missingLeft),
    left: Int32Array.from(t.left),
    right: Int32Array.from(t.right),
    value: Float64Array.from(t.value),
    cover: Float64Array.from(t.cover),
    gain: Float64Array.from(t.gain),
  }));
  return {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    // As written: the schema above checked their shape, but would give their keys back in its own order.
    training: raw.training as TrainingRecord,
    pipeline: raw.pipeline as FittedPipeline,
    booster: { baseScore: rest.booster.baseScore, featureCount: rest.booster.featureCount, trees },
    contentHash,
  };
}

export async function writeModel(path: string, m: ModelFile): Promise<string> {
  const text = serializeModel(m);
  await writeFile(path, text);
  return text.slice(text.lastIndexOf('"sha256:') + 1, -3);
}

export async function readModel(path: string): Promise<ModelFile & { contentHash: string }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new PortcullisError('INVALID_FILE', `cannot read model ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  return parseModel(text, path);
}
