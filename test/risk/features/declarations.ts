import type { Declaration } from '../../../src/domain/declaration.ts';
import type { PipelineConfig } from '../../../src/risk/features/pipeline.ts';
import { SeededRandom } from '../../../src/risk/random.ts';

const pick = <T>(rng: SeededRandom, xs: readonly T[]): T => xs[rng.int(xs.length)]!;

/** Declarations drawn from small pools, so that parties, codes and pairs repeat, with gaps and awkward names. */
export function declarations(n: number, seed: number): Declaration[] {
  const rng = new SeededRandom(seed);
  const parties = ['A', 'B', 'C', 'constructor', '__proto__', 'D|E', 'D', 'E|'];
  return Array.from({ length: n }, (_, i) => ({
    id: `D${seed}-${i}`,
    filedAt: '2025-01-01T00:00:00.000Z',
    customsOffice: pick(rng, ['NL01', 'NL02', 'BE01']),
    importer: pick(rng, parties),
    ...(rng.next() < 0.8 ? { declarant: pick(rng, parties) } : {}),
    ...(rng.next() < 0.7 ? { seller: pick(rng, parties) } : {}),
    ...(rng.next() < 0.5 ? { exportCountry: pick(rng, ['CN', 'US', 'DE']) } : {}),
    ...(rng.next() < 0.5 ? { modeOfTransport: pick(rng, ['1', '4']) } : {}),
    containers: [],
    items: Array.from({ length: 1 + rng.int(3) }, (_, k) => ({
      sequence: k + 1,
      hsCode: pick(rng, ['847130', '847150', '850440', '610910', '61091000']),
      ...(rng.next() < 0.9 ? { originCountry: pick(rng, ['CN', 'VN', 'US']) } : {}),
      ...(rng.next() < 0.9 ? { netMassKg: 1 + rng.int(500) } : {}),
      customsValue: 10 + rng.int(100_000),
      currency: 'EUR',
      ...(rng.next() < 0.8 ? { taxRate: rng.int(12) } : {}),
    })),
    attributes: { incoterm: pick(rng, ['FOB', 'CIF', '']), aeo: pick<number | string>(rng, [0, 1, '2', ' ', 'x']) },
  }));
}

export const config: PipelineConfig = { folds: 4, seed: 3, smoothing: 5, attributes: [{ name: 'incoterm', kind: 'categorical' }, { name: 'aeo', kind: 'numeric' }] };
