import { Role } from '../domain/user.ts';

/**
 * The access policy: which role may do which action, and on whose resources. Every route and use
 * case asks the one function `can`; nothing else decides who may do what.
 */
export const ACTIONS = [
  'declaration.file',
  'declaration.amend',
  'declaration.read',
  'declaration.list',
  'decision.read',
  'decision.lane.read',
  'worklist.read',
  'worklist.claim',
  'decision.override',
  'inspection.record',
  'inspection.read',
  'rule.read',
  'rule.author',
  'rule.backtest',
  'rule.submit',
  'rule.approve',
  'rule.retire',
  'model.read',
  'model.train',
  'model.evaluate',
  'model.activate',
  'ledger.read',
  'ledger.prove',
  'alert.read',
  'alert.acknowledge',
  'dashboard.read',
  'party.read',
  'party.write',
  'movement.record',
  'movement.read',
  'user.read',
  'user.write',
  'apikey.own',
  'apikey.admin',
  'budget.read',
  'budget.write',
  'audit.read',
  'keys.rotate',
  'telemetry.publish',
  'telemetry.read',
  'device.read',
  'device.write',
  'riskalert.exchange',
  'exchange.import',
  'exchange.export',
] as const;
export type Action = (typeof ACTIONS)[number];

const ANALYST: readonly Action[] = [
  'declaration.read',
  'declaration.list',
  'decision.read',
  'worklist.read',
  'worklist.claim',
  'decision.override',
  'inspection.read',
  'rule.read',
  'rule.author',
  'rule.backtest',
  'rule.submit',
  'model.read',
  'model.train',
  'model.evaluate',
  'ledger.read',
  'ledger.prove',
  'alert.read',
  'alert.acknowledge',
  'dashboard.read',
  'party.read',
  'movement.read',
  'budget.read',
  'apikey.own',
  'telemetry.read',
  'device.read',
  // Sign risk alerts for partner services, and import theirs as draft rules (app/cooperation).
  'riskalert.exchange',
  // Decisions as CUSRES status messages (app/exchange).
  'exchange.export',
];

/**
 * What each role may do. Least privilege: the administrator manages users, keys, parties and
 * budgets but neither reads declarations' scores nor decides; a trader never sees scores or
 * rules; an auditor only reads.
 */
export const ROLE_ACTIONS: Readonly<Record<Role, readonly Action[]>> = {
  admin: ['user.read', 'user.write', 'apikey.own', 'apikey.admin', 'party.read', 'party.write', 'budget.read', 'budget.write', 'audit.read', 'keys.rotate', 'ledger.read', 'model.read', 'device.read', 'device.write'],
  analyst: ANALYST,
  supervisor: [...ANALYST, 'rule.approve', 'rule.retire', 'model.activate', 'budget.write', 'device.write'],
  officer: [
    'declaration.read',
    'declaration.list',
    'decision.read',
    'worklist.read',
    'worklist.claim',
    'inspection.record',
    'inspection.read',
    'alert.read',
    'alert.acknowledge',
    'ledger.read',
    'ledger.prove',
    'movement.read',
    'party.read',
    'apikey.own',
    'telemetry.read',
    'device.read',
    'exchange.export',
  ],
  // exchange.import: CUSDEC / WCO JSON declarations (each also needs declaration.file) and CUSCAR reports (movement.record); exchange.export: their own lanes as CUSRES.
  trader: ['declaration.file', 'declaration.amend', 'declaration.read', 'declaration.list', 'decision.lane.read', 'ledger.read', 'ledger.prove', 'apikey.own', 'exchange.import', 'exchange.export'],
  carrier: ['movement.record', 'movement.read', 'ledger.read', 'ledger.prove', 'apikey.own', 'exchange.import'],
  auditor: [
    'declaration.read',
    'declaration.list',
    'decision.read',
    'inspection.read',
    'rule.read',
    'model.read',
    'ledger.read',
    'ledger.prove',
    'alert.read',
    'dashboard.read',
    'audit.read',
    'user.read',
    'party.read',
    'movement.read',
    'budget.read',
    'telemetry.read',
    'device.read',
    'exchange.export',
  ],
  device: ['telemetry.publish'],
};

/**
 * Roles that act for a party (a trader, a carrier): they reach only what their party owns. With a
 * resource, the resource's owners must include the actor's party; without one (a list), the
 * caller must filter by the actor's party. Without a party they reach nothing their party would
 * own — only their own API keys, which belong to the user, not the party.
 */
export const PARTY_SCOPED_ROLES: readonly Role[] = ['trader', 'carrier'];

/** Actions about the user's own things, not its party's (the use case checks the user). */
const USER_SCOPED: readonly Action[] = ['apikey.own'];

const GRANTS: ReadonlyMap<Role, ReadonlySet<Action>> = new Map(Role.options.map((r) => [r, new Set(ROLE_ACTIONS[r])]));
const KNOWN: ReadonlySet<string> = new Set(ACTIONS);

export interface PolicyActor {
  readonly id: string;
  readonly roles: readonly Role[];
  readonly party?: string;
}

export interface PolicyResource {
  /** The parties (trader, carrier) a resource belongs to: a declaration's declarant and importer, a movement's carrier… */
  readonly owners?: readonly string[];
}

/** Whether one role allows the action on the resource. */
function roleAllows(role: Role, actor: PolicyActor, action: Action, resource: PolicyResource | undefined): boolean {
  if (GRANTS.get(role)?.has(action) !== true) return false;
  if (!PARTY_SCOPED_ROLES.includes(role)) return true;
  const party = actor.party;
  if (resource === undefined) return USER_SCOPED.includes(action) || (party !== undefined && party !== '');
  return party !== undefined && party !== '' && (resource.owners ?? []).includes(party);
}

/**
 * Whether `actor` may do `action` (on `resource`, when given): allowed when any of its roles
 * allows it. An unknown action or role is refused.
 */
export function can(actor: PolicyActor, action: Action, resource?: PolicyResource): boolean {
  if (!KNOWN.has(action)) return false;
  return actor.roles.some((r) => GRANTS.has(r) && roleAllows(r, actor, action, resource));
}

/** Whether a string is one of the policy's actions. */
export function isAction(s: string): s is Action {
  return KNOWN.has(s);
}
