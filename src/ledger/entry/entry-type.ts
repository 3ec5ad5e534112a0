/**
 * What an entry of the ledger records. The list is closed: a verifier that meets another type knows
 * the log is not one it understands.
 */
export const ENTRY_TYPES = [
  'declaration.filed',
  'declaration.amended',
  'movement.recorded',
  'telemetry.recorded',
  'telemetry.series',
  'decision.made',
  'inspection.recorded',
  'rule.changed',
  'model.changed',
  'alert.raised',
  'privileged.action',
] as const;

export type EntryType = (typeof ENTRY_TYPES)[number];

export function isEntryType(s: unknown): s is EntryType {
  return typeof s === 'string' && (ENTRY_TYPES as readonly string[]).includes(s);
}
