import { z } from 'zod';
import { Lane } from './rule.ts';

/**
 * Why a declaration was selected: an active rule demanded it; its risk score passed the office's
 * running threshold; the exploration share chose it (weighted toward uncertain scores); or pure
 * random control. "none": it was not selected (green).
 */
export const SelectionType = z.enum(['rule-mandated', 'risk-based', 'exploration', 'random', 'none']);
export type SelectionType = z.infer<typeof SelectionType>;

export const DecisionReason = z.object({
  kind: z.enum(['rule', 'model', 'alert']),
  /** A rule's id@version, a feature's name, an alert's id. */
  code: z.string(),
  text: z.string(),
  /** For model reasons: the feature's contribution to the log-odds (TreeSHAP). */
  contribution: z.number().optional(),
});
export type DecisionReason = z.infer<typeof DecisionReason>;

/** The targeting decision on one declaration. */
export const Decision = z.object({
  declarationId: z.string(),
  /** A declaration may be decided again (after an alert); each decision is kept, numbered from 1. */
  revision: z.number().int().min(1),
  decidedAt: z.string(),
  office: z.string(),
  lane: Lane,
  selectionType: SelectionType,
  /**
   * The probability with which this declaration was to be selected for a check (yellow or red),
   * before the draw: 1 for rule-mandated and risk-based selections (below 1 only where a group of
   * equal scores straddles the threshold and part of it is drawn), the exploration probability
   * otherwise. Inverse-propensity weighting divides by it.
   */
  propensity: z.number().min(0).max(1),
  /** The model's probability of the label, or null with no active model. */
  probability: z.number().nullable(),
  /** The risk score the threshold was applied to: the probability plus the rules' points. */
  score: z.number().nullable(),
  /** The thresholds of the office at that moment (risk score for red, for yellow). */
  thresholds: z.object({ red: z.number(), yellow: z.number() }),
  reasons: z.array(DecisionReason),
  /** Rules that hit, as id@version. */
  rules: z.array(z.string()),
  /** The model's content hash, or null. */
  model: z.string().nullable(),
  /** The active rule versions the decision was taken under (a digest of id@version). */
  ruleSet: z.string(),
});
export type Decision = z.infer<typeof Decision>;

/** An office's inspection budget: target rates of red and yellow, and the share of it kept for exploration. */
export const Budget = z
  .object({
    /** A customs office, or "*" for every office without a budget of its own. */
    office: z.string().trim().min(1).max(32),
    redRate: z.number().min(0).max(1),
    yellowRate: z.number().min(0).max(1),
    exploreShare: z.number().min(0).max(1).default(0.1),
    /** uniform: random control (selection type random); uncertainty: weighted toward uncertain scores (exploration). */
    exploreMode: z.enum(['uniform', 'uncertainty']).default('uncertainty'),
  })
  .strict()
  .refine((b) => b.redRate + b.yellowRate <= 1, { message: 'redRate + yellowRate must be at most 1', path: ['yellowRate'] });
export type Budget = z.infer<typeof Budget>;
