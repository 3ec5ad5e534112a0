import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { findDiscrepancies } from '../../../src/app/ledger/discrepancies.ts';
import { recordMovements } from '../../../src/app/movements/record-movements.ts';
import { recordTelemetry } from '../../../src/app/movements/record-telemetry.ts';
import { decideStored } from '../../../src/app/targeting/decide.ts';
import { decisionHistory } from '../../../src/app/targeting/decisions.ts';
import type { AppContext } from '../../../src/app/context.ts';
import { addUser } from '../../../src/app/targeting/users.ts';
import { forEachStore } from '../../support/stores.ts';
import { appOf, putRuleInForce, ROOT, tempDir, type TempDir } from '../targeting/fixtures.ts';
import { movementData, storeDeclarations } from './fixtures.ts';

/**
 * Discrepancies across parties are an input to risk: a discrepancy alert makes the `discrepancies`
 * fact of its declaration count them, so an analyst's rule can act on it, and raising the alert
 * decides the declaration again.
 */
const latestDecision = async (app: AppContext, id: string) => (await decisionHistory(app, id)).sort((a, b) => b.revision - a.revision)[0];

let tmp: TempDir;
let data: ReturnType<typeof movementData>;
before(() => {
  tmp = tempDir('discrepancy-risk');
  data = movementData(tmp, 300, 'discrepancy-risk');
});
after(() => tmp.cleanup());

forEachStore('discrepancies feed the decisions', (h) => {
  it('a rule on the discrepancies fact sends exactly the declarations whose parties disagree to red', async () => {
    const app = appOf(await h.open());
    await storeDeclarations(app, tmp, data);
    await addUser(app, { id: 'sue', roles: ['supervisor'] });
    await addUser(app, { id: 'sam', roles: ['supervisor'] });
    const rule = JSON.parse(readFileSync(join(ROOT, 'examples/rules/parties-disagree.json'), 'utf8')) as Parameters<typeof putRuleInForce>[3];
    const active = await putRuleInForce(app, 'sue', 'sam', rule);
    await recordMovements(app, 'olga', data.movementsFile);
    await recordTelemetry(app, 'dev', data.telemetryFile);
    // Decided before anyone compared the parties' records: the rule has nothing to go on.
    await decideStored(app, { undecided: true, seed: 1 });
    const planted = [...new Set(data.planted.map((p) => p.declarationId))];
    for (const id of planted) assert.notEqual((await latestDecision(app, id))?.selectionType, 'rule-mandated');

    const r = await findDiscrepancies(app, { raiseAlerts: true, redecide: true });
    assert.deepEqual(new Set(r.declarations.map((d) => d.declarationId)), new Set(planted));
    assert.equal(r.redecided?.decided, planted.length);
    for (const id of planted) {
      const d = (await latestDecision(app, id))!;
      assert.equal(d.revision, 2, id);
      assert.equal(d.lane, 'red', id);
      assert.equal(d.selectionType, 'rule-mandated', id);
      assert.ok(d.reasons.some((x) => x.kind === 'rule' && x.code.startsWith(active.id)), JSON.stringify(d.reasons));
    }
    // A rerun finds the same, raises nothing new, decides nothing again.
    const again = await findDiscrepancies(app, { raiseAlerts: true, redecide: true });
    assert.deepEqual([again.alertsRaised, again.redecided?.decided], [0, 0]);
  });
});
