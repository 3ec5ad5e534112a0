import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Role } from '../../src/domain/user.ts';
import { ACTIONS, can, type Action } from '../../src/security/policy.ts';

/**
 * The whole access policy, written out by hand from the service issue: for every action, for
 * every role, three answers — on a resource the actor's party owns, on another party's resource,
 * and without a resource (a list the route then filters). y = allowed, - = refused.
 */
const ROLES = ['admin', 'analyst', 'supervisor', 'officer', 'trader', 'carrier', 'auditor', 'device'] as const;
// prettier-ignore
const EXPECTED: Record<string, readonly [string, string, string, string, string, string, string, string]> = {
  //                      admin  analyst supervisor officer trader carrier auditor device
  'declaration.file':    ['---', '---',  '---',     '---',  'y-y', '---',  '---',  '---'],
  'declaration.amend':   ['---', '---',  '---',     '---',  'y-y', '---',  '---',  '---'],
  'declaration.read':    ['---', 'yyy',  'yyy',     'yyy',  'y-y', '---',  'yyy',  '---'],
  'declaration.list':    ['---', 'yyy',  'yyy',     'yyy',  'y-y', '---',  'yyy',  '---'],
  'decision.read':       ['---', 'yyy',  'yyy',     'yyy',  '---', '---',  'yyy',  '---'],
  'decision.lane.read':  ['---', '---',  '---',     '---',  'y-y', '---',  '---',  '---'],
  'worklist.read':       ['---', 'yyy',  'yyy',     'yyy',  '---', '---',  '---',  '---'],
  'worklist.claim':      ['---', 'yyy',  'yyy',     'yyy',  '---', '---',  '---',  '---'],
  'decision.override':   ['---', 'yyy',  'yyy',     '---',  '---', '---',  '---',  '---'],
  'inspection.record':   ['---', '---',  '---',     'yyy',  '---', '---',  '---',  '---'],
  'inspection.read':     ['---', 'yyy',  'yyy',     'yyy',  '---', '---',  'yyy',  '---'],
  'rule.read':           ['---', 'yyy',  'yyy',     '---',  '---', '---',  'yyy',  '---'],
  'rule.author':         ['---', 'yyy',  'yyy',     '---',  '---', '---',  '---',  '---'],
  'rule.backtest':       ['---', 'yyy',  'yyy',     '---',  '---', '---',  '---',  '---'],
  'rule.submit':         ['---', 'yyy',  'yyy',     '---',  '---', '---',  '---',  '---'],
  'rule.approve':        ['---', '---',  'yyy',     '---',  '---', '---',  '---',  '---'],
  'rule.retire':         ['---', '---',  'yyy',     '---',  '---', '---',  '---',  '---'],
  'model.read':          ['yyy', 'yyy',  'yyy',     '---',  '---', '---',  'yyy',  '---'],
  'model.train':         ['---', 'yyy',  'yyy',     '---',  '---', '---',  '---',  '---'],
  'model.evaluate':      ['---', 'yyy',  'yyy',     '---',  '---', '---',  '---',  '---'],
  'model.activate':      ['---', '---',  'yyy',     '---',  '---', '---',  '---',  '---'],
  'ledger.read':         ['yyy', 'yyy',  'yyy',     'yyy',  'y-y', 'y-y',  'yyy',  '---'],
  'ledger.prove':        ['---', 'yyy',  'yyy',     'yyy',  'y-y', 'y-y',  'yyy',  '---'],
  'alert.read':          ['---', 'yyy',  'yyy',     'yyy',  '---', '---',  'yyy',  '---'],
  'alert.acknowledge':   ['---', 'yyy',  'yyy',     'yyy',  '---', '---',  '---',  '---'],
  'dashboard.read':      ['---', 'yyy',  'yyy',     '---',  '---', '---',  'yyy',  '---'],
  'party.read':          ['yyy', 'yyy',  'yyy',     'yyy',  '---', '---',  'yyy',  '---'],
  'party.write':         ['yyy', '---',  '---',     '---',  '---', '---',  '---',  '---'],
  'movement.record':     ['---', '---',  '---',     '---',  '---', 'y-y',  '---',  '---'],
  'movement.read':       ['---', 'yyy',  'yyy',     'yyy',  '---', 'y-y',  'yyy',  '---'],
  'user.read':           ['yyy', '---',  '---',     '---',  '---', '---',  'yyy',  '---'],
  'user.write':          ['yyy', '---',  '---',     '---',  '---', '---',  '---',  '---'],
  'apikey.own':          ['yyy', 'yyy',  'yyy',     'yyy',  'y-y', 'y-y',  '---',  '---'],
  'apikey.admin':        ['yyy', '---',  '---',     '---',  '---', '---',  '---',  '---'],
  'budget.read':         ['yyy', 'yyy',  'yyy',     '---',  '---', '---',  'yyy',  '---'],
  'budget.write':        ['yyy', '---',  'yyy',     '---',  '---', '---',  '---',  '---'],
  'audit.read':          ['yyy', '---',  '---',     '---',  '---', '---',  'yyy',  '---'],
  'keys.rotate':         ['yyy', '---',  '---',     '---',  '---', '---',  '---',  '---'],
  'telemetry.publish':   ['---', '---',  '---',     '---',  '---', '---',  '---',  'yyy'],
  'telemetry.read':      ['---', 'yyy',  'yyy',     'yyy',  '---', '---',  'yyy',  '---'],
  'device.read':         ['yyy', 'yyy',  'yyy',     'yyy',  '---', '---',  'yyy',  '---'],
  'device.write':        ['yyy', '---',  'yyy',     '---',  '---', '---',  '---',  '---'],
  'riskalert.exchange':  ['---', 'yyy',  'yyy',     '---',  '---', '---',  '---',  '---'],
  'exchange.import':     ['---', '---',  '---',     '---',  'y-y', 'y-y',  '---',  '---'],
  'exchange.export':     ['---', 'yyy',  'yyy',     'yyy',  'y-y', '---',  'yyy',  '---'],
};

const PARTY = 'P-OWN';
const OWN = { owners: ['P-X', PARTY] };
const OTHERS = { owners: ['P-OTHER'] };

describe('the access policy', () => {
  test('the table covers exactly the actions and roles the API codes against', () => {
    assert.deepEqual(Object.keys(EXPECTED).sort(), [...ACTIONS].sort());
    assert.equal(ACTIONS.length, 45);
    assert.deepEqual([...ROLES].sort(), [...Role.options].sort());
  });

  for (const [action, row] of Object.entries(EXPECTED)) {
    for (const [i, role] of ROLES.entries()) {
      const cell = row[i]!;
      test(`${role} × ${action}: own ${cell[0]}, other's ${cell[1]}, none ${cell[2]}`, () => {
        const actor = { id: `u-${role}`, roles: [role], party: PARTY };
        assert.equal(can(actor, action as Action, OWN), cell[0] === 'y', 'own resource');
        assert.equal(can(actor, action as Action, OTHERS), cell[1] === 'y', "another party's resource");
        assert.equal(can(actor, action as Action), cell[2] === 'y', 'no resource');
      });
    }
  }

  test('a trader or carrier without a party reaches nothing owned, and lists nothing; only its own API keys', () => {
    for (const role of ['trader', 'carrier'] as const) {
      const actor = { id: 'u', roles: [role] };
      for (const action of ACTIONS) {
        assert.equal(can(actor, action, OWN), false, `${role} ${action} own`);
        assert.equal(can(actor, action, { owners: [] }), false, `${role} ${action} empty owners`);
        assert.equal(can(actor, action), action === 'apikey.own', `${role} ${action} none`);
      }
      assert.equal(can({ id: 'u', roles: [role], party: '' }, 'ledger.read'), false, 'an empty party is no party');
    }
  });

  test('a resource without owners is no one party’s: refused to traders and carriers, allowed to the staff', () => {
    assert.equal(can({ id: 't', roles: ['trader'], party: PARTY }, 'declaration.read', {}), false);
    assert.equal(can({ id: 'a', roles: ['analyst'] }, 'declaration.read', {}), true);
  });

  test('several roles: any one that allows is enough; party scoping stays with the party roles', () => {
    const both = { id: 'x', roles: ['trader', 'auditor'] as const, party: PARTY };
    assert.equal(can(both, 'declaration.read', OTHERS), true, 'the auditor role reads any declaration');
    assert.equal(can(both, 'declaration.file', OTHERS), false, 'only the trader role files, for its party');
    assert.equal(can(both, 'declaration.file', OWN), true);
    assert.equal(can({ id: 'n', roles: [] }, 'ledger.read'), false, 'no role, no action');
  });

  test('an unknown action or role is refused', () => {
    assert.equal(can({ id: 'a', roles: ['admin', 'supervisor'] }, 'everything' as Action), false);
    assert.equal(can({ id: 'a', roles: ['root' as never] }, 'ledger.read'), false);
  });
});
