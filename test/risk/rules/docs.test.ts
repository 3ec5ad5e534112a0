import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { RuleDefinition } from '../../../src/domain/rule.ts';
import { parseCondition } from '../../../src/risk/rules/condition.ts';
import { FACTS } from '../../../src/risk/rules/facts.ts';
import { OPERATORS } from '../../../src/risk/rules/operators.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const read = (path: string) => readFileSync(resolve(ROOT, path), 'utf8');

describe('docs/rules.md and the example rule', () => {
  const doc = read('docs/rules.md');

  it('the example file is a valid rule, and the one the docs show', () => {
    const text = read('examples/rules/undervalued-electronics.json');
    const rule = RuleDefinition.parse(JSON.parse(text));
    assert.deepEqual(parseCondition(JSON.stringify(rule.condition)).facts, ['hsCode', 'newImporter', 'score', 'unitValueRatio']);
    assert.ok(doc.includes(text.trim()), 'docs/rules.md shows another example than examples/rules/undervalued-electronics.json');
  });

  it('every fact and operator is documented', () => {
    for (const f of FACTS) assert.ok(doc.includes(`| \`${f.name}\` | ${f.type === 'string' ? 'text' : f.type === 'boolean' ? 'true/false' : 'number'} |`), `fact ${f.name}`);
    for (const o of OPERATORS) assert.ok(doc.includes(`\`${o.name}\``), `operator ${o.name}`);
  });
});
