import { z } from 'zod';
import { UtcDateTime } from './declaration.ts';

/**
 * An analyst's rule (a risk profile in customs terms): a condition over a declaration's fields,
 * derived features and the model score, written in JsonLogic (jsonlogic.com), and what to do
 * when it holds. Every change is a new version; a version goes draft → submitted → approved →
 * active → retired, and is approved by a supervisor other than its author (four eyes).
 */

/** Green: release. Yellow: documentary check. Red: physical inspection. */
export const Lane = z.enum(['green', 'yellow', 'red']);
export type Lane = z.infer<typeof Lane>;

/** What a rule guards against (the threat its findings count under). */
export const ThreatCategory = z.enum([
  'revenue', 'undervaluation', 'misclassification', 'origin', 'prohibited-goods', 'narcotics', 'weapons',
  'intellectual-property', 'safety', 'security', 'other',
]);
export type ThreatCategory = z.infer<typeof ThreatCategory>;

export const RuleAction = z.discriminatedUnion('type', [
  /** Put the declaration in this lane whatever its score (green: a trusted flow released as it is). */
  z.object({ type: z.literal('force-lane'), lane: Lane }).strict(),
  /** Add this much to the risk score (the model's probability, 0 to 1), or take it away. */
  z.object({ type: z.literal('add-score'), points: z.number().finite().min(-1).max(1) }).strict(),
  /** At least a documentary check (yellow). */
  z.object({ type: z.literal('documentary-check') }).strict(),
]);
export type RuleAction = z.infer<typeof RuleAction>;

export const RuleStatus = z.enum(['draft', 'submitted', 'approved', 'active', 'retired']);
export type RuleStatus = z.infer<typeof RuleStatus>;

const text = (max: number) => z.string().trim().min(1).max(max);

/** What an analyst writes. The condition is checked by risk/rules (parseCondition), which knows the facts. */
export const RuleDefinition = z
  .object({
    name: text(120),
    /** Why the rule exists, shown as the reason of every decision it takes part in. */
    reason: text(500),
    threat: ThreatCategory,
    /** A JsonLogic expression over the facts of risk/rules/facts.ts. */
    condition: z.unknown().refine((c) => c !== undefined, 'is required'),
    action: RuleAction,
    /** The rule applies to declarations filed from this time (inclusive) … */
    validFrom: UtcDateTime.optional(),
    /** … until this time (exclusive). */
    validTo: UtcDateTime.optional(),
    /** Customs offices the rule applies at; empty: all. */
    offices: z.array(text(32)).max(200).default([]),
  })
  .strict()
  .refine((r) => r.validFrom === undefined || r.validTo === undefined || r.validFrom < r.validTo, { message: 'validTo must be after validFrom', path: ['validTo'] });
export type RuleDefinition = z.infer<typeof RuleDefinition>;
export type RuleDefinitionInput = z.input<typeof RuleDefinition>;

/** One version of a rule, with who moved it through its life and when. */
export interface RuleVersion extends RuleDefinition {
  readonly id: string;
  readonly version: number;
  readonly status: RuleStatus;
  readonly author: string;
  readonly createdAt: string;
  readonly submittedAt?: string | undefined;
  readonly approvedBy?: string | undefined;
  readonly approvedAt?: string | undefined;
  readonly activatedBy?: string | undefined;
  readonly activatedAt?: string | undefined;
  readonly retiredBy?: string | undefined;
  readonly retiredAt?: string | undefined;
}
