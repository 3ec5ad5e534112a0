import type { RiskAlert } from '../../domain/risk-alert.ts';
import { jsonSetting } from '../json-setting.ts';

/**
 * The data-sharing policy: which indicators of a risk alert may leave the service
 * (PORTCULLIS_SHARING). By default everything but parties: party identifiers are personal or
 * commercial data that a service shares only where an agreement allows it, and says so here. An
 * export that names an indicator the policy keeps in is refused, naming it; the refusal and every
 * export are privileged actions in the ledger, with what left (risk-alerts.ts).
 */
export const INDICATOR_KINDS = ['hsCodes', 'routes', 'parties', 'originCountries', 'containers'] as const;
export type IndicatorKind = (typeof INDICATOR_KINDS)[number];

export interface SharingPolicy {
  /** The indicator kinds that may leave the service. */
  readonly indicators: readonly IndicatorKind[];
}

export const DEFAULT_SHARING: SharingPolicy = { indicators: ['hsCodes', 'routes', 'originCountries', 'containers'] };

const EXPECTED = `JSON such as {"indicators": ["hsCodes", "routes", "originCountries", "containers"]} (of ${INDICATOR_KINDS.join(', ')}), or @FILE holding it`;

/** The policy of PORTCULLIS_SHARING (JSON, or @FILE); the default without one; CONFIG_ERROR naming what is wrong. */
export function sharingPolicy(text: string | undefined): SharingPolicy {
  if (text === undefined || text.trim() === '') return DEFAULT_SHARING;
  const { value: raw, bad } = jsonSetting('PORTCULLIS_SHARING', text, EXPECTED);
  const o = (typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? raw : bad('is not a JSON object')) as Record<string, unknown>;
  const extra = Object.keys(o).filter((k) => k !== 'indicators');
  if (extra.length > 0) bad(`has fields no policy has: ${extra.join(', ')}`);
  if (!Array.isArray(o.indicators)) return bad('.indicators is not a list');
  for (const k of o.indicators) if (!(INDICATOR_KINDS as readonly unknown[]).includes(k)) bad(`.indicators names ${JSON.stringify(k)}, which is not an indicator kind`);
  return { indicators: [...new Set(o.indicators as IndicatorKind[])] };
}

/** The indicator kinds an alert names that the policy keeps in the service. */
export function withheld(policy: SharingPolicy, alert: Pick<RiskAlert, 'indicators'>): IndicatorKind[] {
  return INDICATOR_KINDS.filter((k) => alert.indicators[k].length > 0 && !policy.indicators.includes(k));
}
