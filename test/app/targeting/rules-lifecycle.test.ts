import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AppContext } from '../../../src/app/context.ts';
import { parseRuleText } from '../../../src/app/targeting/rule-file.ts';
import {
  activateRule, approveRule, checkDefinition, draftRule, getRule, listRules, retireRule, reviseRule, ruleVersions, submitRule,
} from '../../../src/app/targeting/rules.ts';
import { isPortcullisError, type PortcullisError } from '../../../src/domain/errors.ts';
import { rulesRepo } from '../../../src/store/index.ts';
import { forEachStore } from '../../support/stores.ts';
import { addStaff, appOf, failsWith, ruleInput } from './fixtures.ts';

/**
 * The life of an analyst's rule, on every database: draft → submitted → approved → active →
 * retired, every version kept, four eyes on approval and activation; and malformed rule files
 * refused at the line and column of the fault.
 */

const HIGH_VALUE = ruleInput('High-value electronics', { and: [{ '==': [{ var: 'hs2' }, '85'] }, { '>': [{ var: 'customsValue' }, 50_000] }] }, { type: 'add-score', points: 0.2 });
const HIGH_VALUE_V2 = { ...HIGH_VALUE, condition: { and: [{ '==': [{ var: 'hs2' }, '85'] }, { '>': [{ var: 'customsValue' }, 20_000] }] }, action: { type: 'force-lane', lane: 'yellow' } } as const;

forEachStore('rule lifecycle', (h) => {
  const open = async (): Promise<AppContext> => {
    const app = appOf(await h.open());
    await addStaff(app);
    return app;
  };

  it('moves a rule from draft to retired, with four eyes, keeping every version', async () => {
    const app = await open();
    const v1 = await draftRule(app, 'ana', HIGH_VALUE);
    assert.deepEqual([v1.version, v1.status, v1.author], [1, 'draft', 'ana']);
    assert.match(v1.id, /^R\d{4}$/);

    // Only the author submits; a draft cannot be approved or activated.
    await assert.rejects(submitRule(app, 'alf', v1.id), failsWith('FORBIDDEN', undefined, /only its author submits/));
    await assert.rejects(approveRule(app, 'sue', v1.id), failsWith('CONFLICT', 'status'));
    await assert.rejects(activateRule(app, 'sue', v1.id), failsWith('CONFLICT', 'status'));
    const submitted = await submitRule(app, 'ana', v1.id);
    assert.equal(submitted.status, 'submitted');
    assert.ok(submitted.submittedAt !== undefined);
    await assert.rejects(submitRule(app, 'ana', v1.id), failsWith('CONFLICT', 'status'));

    // An analyst may not approve; an officer or auditor may not either; a supervisor other than the author may.
    await assert.rejects(approveRule(app, 'alf', v1.id), failsWith('FORBIDDEN', 'as'));
    await assert.rejects(approveRule(app, 'oli', v1.id), failsWith('FORBIDDEN', 'as'));
    await assert.rejects(approveRule(app, 'aud', v1.id), failsWith('FORBIDDEN', 'as'));
    await assert.rejects(activateRule(app, 'sue', v1.id), failsWith('CONFLICT', 'status'), 'a submitted version is not yet approved');
    const approved = await approveRule(app, 'sue', v1.id);
    assert.deepEqual([approved.status, approved.approvedBy], ['approved', 'sue']);
    await assert.rejects(approveRule(app, 'sam', v1.id), failsWith('CONFLICT', 'status'));

    // Activation: supervisors only, never the author.
    await assert.rejects(activateRule(app, 'ana', v1.id), failsWith('FORBIDDEN', 'as'));
    const active = await activateRule(app, 'sam', v1.id);
    assert.deepEqual([active.status, active.activatedBy], ['active', 'sam']);
    assert.deepEqual((await rulesRepo(app.store.db).active()).map((v) => `${v.id}@${v.version}`), [`${v1.id}@1`]);
    await assert.rejects(activateRule(app, 'sam', v1.id), failsWith('CONFLICT', 'status'));

    // A revision is version 2, in draft; version 1 stays in force until version 2 is.
    const v2 = await reviseRule(app, 'alf', v1.id, HIGH_VALUE_V2);
    assert.deepEqual([v2.id, v2.version, v2.status, v2.author], [v1.id, 2, 'draft', 'alf']);
    assert.equal((await getRule(app, v1.id)).version, 2, 'the latest version by default');
    assert.equal((await getRule(app, v1.id, 1)).status, 'active');
    await assert.rejects(submitRule(app, 'ana', v1.id), failsWith('FORBIDDEN'), 'ana wrote version 1, not version 2');
    await submitRule(app, 'alf', v1.id);
    await approveRule(app, 'sue', v1.id, 2);
    await activateRule(app, 'sue', v1.id, 2);

    const versions = await ruleVersions(app, v1.id);
    assert.deepEqual(versions.map((v) => [v.version, v.status]), [[1, 'retired'], [2, 'active']]);
    assert.equal(versions[0]!.retiredBy, 'sue');
    assert.deepEqual(versions[0]!.condition, checkDefinition(HIGH_VALUE).condition, 'version 1 is kept as it was written (normalised)');
    assert.deepEqual(versions[1]!.condition, checkDefinition(HIGH_VALUE_V2).condition);
    assert.deepEqual(versions[0]!.action, HIGH_VALUE.action);
    assert.deepEqual(versions[1]!.action, HIGH_VALUE_V2.action);
    assert.deepEqual((await rulesRepo(app.store.db).active()).map((v) => `${v.id}@${v.version}`), [`${v1.id}@2`]);

    // Retired is the end: a second retirement is a conflict, and nothing is deleted.
    const retired = await retireRule(app, 'ana', v1.id);
    assert.deepEqual([retired.version, retired.status, retired.retiredBy], [2, 'retired', 'ana']);
    await assert.rejects(retireRule(app, 'ana', v1.id), failsWith('CONFLICT'));
    await assert.rejects(retireRule(app, 'ana', v1.id, 1), failsWith('CONFLICT'));
    assert.deepEqual((await ruleVersions(app, v1.id)).map((v) => v.status), ['retired', 'retired']);
    assert.deepEqual(await rulesRepo(app.store.db).active(), []);
  });

  it('four eyes: a supervisor cannot approve or activate a rule they wrote', async () => {
    const app = await open();
    const v = await draftRule(app, 'sue', HIGH_VALUE);
    await submitRule(app, 'sue', v.id);
    await assert.rejects(approveRule(app, 'sue', v.id), failsWith('FORBIDDEN', 'as', /four eyes/));
    assert.equal((await getRule(app, v.id)).status, 'submitted', 'the refusal changed nothing');
    await approveRule(app, 'sam', v.id);
    await assert.rejects(activateRule(app, 'sue', v.id), failsWith('FORBIDDEN', 'as', /four eyes/));
    assert.equal((await getRule(app, v.id)).status, 'approved');
    assert.equal((await activateRule(app, 'sam', v.id)).status, 'active');
  });

  it('refuses unknown users, users without a role for it, and unknown rules', async () => {
    const app = await open();
    await assert.rejects(draftRule(app, undefined, HIGH_VALUE), failsWith('INVALID_INPUT', 'as'));
    await assert.rejects(draftRule(app, 'nobody', HIGH_VALUE), failsWith('NOT_FOUND'));
    await assert.rejects(draftRule(app, 'oli', HIGH_VALUE), failsWith('FORBIDDEN', 'as'));
    await assert.rejects(submitRule(app, 'ana', 'R9999'), failsWith('NOT_FOUND'));
    await assert.rejects(reviseRule(app, 'ana', 'R9999', HIGH_VALUE), failsWith('NOT_FOUND'));
    const v = await draftRule(app, 'ana', HIGH_VALUE);
    await assert.rejects(getRule(app, v.id, 2), failsWith('NOT_FOUND'));
    assert.deepEqual(await listRules(app, { status: 'active' }), []);
    assert.deepEqual((await listRules(app, { status: 'draft' })).map((r) => r.id), [v.id]);
  });

  it('refuses a malformed rule with INVALID_INPUT and keeps nothing of it', async () => {
    const app = await open();
    const bad = { ...HIGH_VALUE, condition: { and: [{ '>': [{ var: 'customsValu' }, 1] }] } };
    await assert.rejects(draftRule(app, 'ana', bad), failsWith('INVALID_INPUT', 'condition/and/0/>/0/var', /unknown fact "customsValu"/));
    await assert.rejects(draftRule(app, 'ana', { ...HIGH_VALUE, threat: 'smuggling' }), failsWith('INVALID_INPUT', 'threat'));
    const v = await draftRule(app, 'ana', HIGH_VALUE);
    await assert.rejects(reviseRule(app, 'ana', v.id, { ...HIGH_VALUE, action: { type: 'add-score', points: 3 } }), failsWith('INVALID_INPUT', 'action.points'));
    assert.deepEqual((await ruleVersions(app, v.id)).map((x) => x.version), [1]);
  });
});

/** A rule file's text; `condition` and `action` are spliced in as written, so that their positions are known. */
const ruleText = (condition: string, extra = '') => `{
  "name": "Watch list",
  "reason": "Goods on the watch list",
  "threat": "revenue",${extra}
  "condition": ${condition},
  "action": { "type": "force-lane", "lane": "red" }
}
`;

/** Reads and checks a rule file's text as `rules add` does; the error, rethrown with positions. */
function refusal(text: string): PortcullisError {
  try {
    const file = parseRuleText(text, 'watch.json');
    try {
      checkDefinition(file.definition);
    } catch (e) {
      file.locate(e);
    }
  } catch (e) {
    assert.ok(isPortcullisError(e), String(e));
    return e;
  }
  assert.fail('the rule file was accepted');
}

/** The 1-based line and column of the first occurrence of `needle` in `text`. */
function positionOf(text: string, needle: string): { line: number; column: number } {
  const at = text.indexOf(needle);
  assert.ok(at >= 0, `${needle} is not in the text`);
  const before = text.slice(0, at).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

describe('rule files: what is wrong, and where', () => {
  it('names the line and column of an unknown operator', () => {
    const text = ruleText(`{
    "and": [
      { "==": [{ "var": "hs2" }, "85"] },
      { "frobnicate": [{ "var": "customsValue" }, 1000] }
    ]
  }`);
    const e = refusal(text);
    assert.equal(e.code, 'INVALID_INPUT');
    const d = e.details[0]!;
    assert.equal(d.field, 'condition/and/1/frobnicate');
    const at = positionOf(text, '"frobnicate"');
    assert.equal(at.line, 8);
    assert.match(d.problem, /unknown operator "frobnicate"/);
    assert.ok(d.problem.endsWith(`(watch.json line ${at.line}, column ${at.column})`), d.problem);
    assert.match(e.message, /^watch\.json: condition\/and\/1\/frobnicate: unknown operator/);
  });

  it('names the line and column of an unknown fact, with a suggestion', () => {
    const text = ruleText(`{
    "and": [
      { "==": [{ "var": "hs2" }, "85"] },
      { ">": [{ "var": "customsValu" }, 1000] }
    ]
  }`);
    const e = refusal(text);
    assert.equal(e.code, 'INVALID_INPUT');
    const d = e.details[0]!;
    assert.equal(d.field, 'condition/and/1/>/0/var');
    const at = positionOf(text, '"customsValu"');
    assert.deepEqual(at, { line: 8, column: 24 });
    assert.match(d.problem, /unknown fact "customsValu"; did you mean "customsValue"\?/);
    assert.ok(d.problem.endsWith(`(watch.json line 8, column 24)`), d.problem);
  });

  it('refuses text that is not JSON with INVALID_FILE at the line and column of the fault', () => {
    const text = ruleText('{ "==": [{ "var": "hs2" }, "85"] }').replace('"reason": "Goods on the watch list",', '"reason": "Goods on the watch list"');
    const e = refusal(text);
    assert.equal(e.code, 'INVALID_FILE');
    const at = positionOf(text, '"threat"');
    assert.deepEqual(at, { line: 4, column: 3 });
    assert.match(e.message, /watch\.json is not valid JSON: a comma was expected at line 4, column 3/);
    assert.match(e.details[0]!.problem, /line 4, column 3/);
  });

  it('maps a bad field to its line: an unknown threat, a bad lane, an unknown field', () => {
    const threat = ruleText('true').replace('"threat": "revenue"', '"threat": "smuggling"');
    let e = refusal(threat);
    assert.equal(e.code, 'INVALID_INPUT');
    assert.equal(e.details[0]!.field, 'threat');
    assert.match(e.details[0]!.expected ?? '', /one of revenue, undervaluation/);
    let at = positionOf(threat, '"smuggling"');
    assert.ok(e.details[0]!.problem.endsWith(`(watch.json line ${at.line}, column ${at.column})`), e.details[0]!.problem);
    assert.equal(at.line, 4);

    const lane = ruleText('true').replace('"lane": "red"', '"lane": "purple"');
    e = refusal(lane);
    assert.equal(e.details[0]!.field, 'action.lane');
    at = positionOf(lane, '"purple"');
    assert.ok(e.details[0]!.problem.endsWith(`(watch.json line ${at.line}, column ${at.column})`), e.details[0]!.problem);

    const unknown = ruleText('true', '\n  "priority": 3,');
    e = refusal(unknown);
    assert.equal(e.code, 'INVALID_INPUT');
    assert.match(e.message, /priority/);
  });

  it('accepts a well-formed file, normalised', () => {
    const file = parseRuleText(ruleText('{ "==": [{ "var": "hs2" }, "85"] }'), 'watch.json');
    const d = checkDefinition(file.definition);
    assert.deepEqual(d.offices, []);
    assert.deepEqual(d.action, { type: 'force-lane', lane: 'red' });
  });
});
