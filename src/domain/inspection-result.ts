import { z } from 'zod';
import { UtcDateTime } from './declaration.ts';

export const Finding = z.enum(['none', 'irregularity', 'seizure']);
export type Finding = z.infer<typeof Finding>;

/** What an officer found when inspecting a declaration's goods. */
export const InspectionResult = z.object({
  declarationId: z.string().trim().min(1).max(64),
  officer: z.string().trim().min(1).max(64),
  finding: Finding,
  /** Revenue recovered, in the declaration's currency. */
  revenueRecovered: z.number().finite().nonnegative().default(0),
  currency: z.string().length(3).optional(),
  notes: z.string().max(4000).default(''),
  /** ISO 8601 UTC. */
  inspectedAt: UtcDateTime,
});
export type InspectionResult = z.infer<typeof InspectionResult>;
