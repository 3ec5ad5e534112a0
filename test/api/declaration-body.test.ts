import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { declarationBody, DeclarationIn } from '../../src/api/routes/declarations.ts';
import { declarationish } from '../support/declaration-arbitraries.ts';

type Result = { value?: unknown; error?: unknown };
const route = { schema: DeclarationIn, method: 'POST', url: '/api/v1/declarations', httpPart: 'body' } as const;

test("the filing's fast body validator answers exactly as the strict zod schema", () => {
  const fast = declarationBody(route) as (input: unknown) => Result;
  const slow = validatorCompiler(route) as (input: unknown) => Result;
  let accepted = 0;
  let refused = 0;
  fc.assert(
    fc.property(declarationish, fc.boolean(), (generated, strip) => {
      // Half of the inputs without the fields that the strict schema refuses, so that many are valid.
      const input = strip ? withoutUnknown(generated) : generated;
      const [f, s] = [fast(input), slow(input)];
      assert.equal(f.error === undefined, s.error === undefined, `fast ${f.error === undefined ? 'accepted' : 'refused'}, zod ${s.error === undefined ? 'accepted' : 'refused'}: ${JSON.stringify(input).slice(0, 300)}`);
      if (s.error === undefined) {
        accepted += 1;
        assert.deepStrictEqual(f.value, s.value);
      } else refused += 1;
    }),
    { numRuns: 5_000, seed: 2026 },
  );
  // Both kinds of input were tried, the unknown fields among those refused.
  assert.ok(accepted > 300 && refused > 300, `${accepted} accepted, ${refused} refused`);
  assert.ok(fast({ ...validDeclaration(), extra: 1 }).error !== undefined);
  assert.ok(fast({ ...validDeclaration(), items: [{ ...validDeclaration().items[0], extra: 1 }] }).error !== undefined);
  assert.deepStrictEqual(fast(validDeclaration()).value, slow(validDeclaration()).value);
});

function withoutUnknown(d: Record<string, unknown>): Record<string, unknown> {
  const { unknownKey: _, ...rest } = d;
  return Array.isArray(rest.items) ? { ...rest, items: rest.items.map((i: unknown) => (typeof i === 'object' && i !== null ? (({ extra: _x, ...r }) => r)(i as Record<string, unknown>) : i)) } : rest;
}

function validDeclaration() {
  return { id: 'D1', filedAt: '2024-03-01T10:00:00.000Z', customsOffice: 'NL000396', importer: 'NL123', items: [{ sequence: 1, hsCode: '847130', customsValue: 10, currency: 'EUR' }] };
}
