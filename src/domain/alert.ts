import { z } from 'zod';

/** Something that needs a person's attention: drift of the traffic, a rule whose hit rate decayed, a telemetry event, parties' records of a consignment that disagree. */
export const AlertKind = z.enum(['drift', 'rule-decay', 'telemetry', 'discrepancy']);
export type AlertKind = z.infer<typeof AlertKind>;

export interface Alert {
  readonly id: string;
  readonly kind: AlertKind;
  /** What it is about: a model hash, a rule id, a consignment. */
  readonly subject: string;
  readonly severity: 'info' | 'warning' | 'critical';
  readonly message: string;
  readonly detail: Record<string, unknown>;
  readonly raisedAt: string;
  readonly status: 'open' | 'acknowledged';
  readonly acknowledgedBy?: string | undefined;
  readonly acknowledgedAt?: string | undefined;
  readonly acknowledgeReason?: string | undefined;
}
