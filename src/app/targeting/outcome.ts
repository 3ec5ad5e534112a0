import type { Labels } from '../../domain/declaration.ts';
import type { Declaration } from '../../domain/declaration.ts';
import type { InspectionResult } from '../../domain/inspection-result.ts';
import { revenueOf } from '../models/read-labelled.ts';

/**
 * What is known of a declaration's outcome: an officer's inspection result where there is one
 * (a finding other than "none" is illicit), else the label it came with from history; undefined
 * where neither is known.
 */
export function outcomeOf(d: Declaration, labels: Labels, inspection: InspectionResult | undefined): { finding: boolean; revenue: number } | undefined {
  if (inspection !== undefined) return { finding: inspection.finding !== 'none', revenue: inspection.finding !== 'none' ? inspection.revenueRecovered : 0 };
  if (labels.illicit === undefined) return undefined;
  return { finding: labels.illicit, revenue: labels.illicit ? revenueOf(d, labels) : 0 };
}
