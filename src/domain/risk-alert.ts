import { z } from 'zod';
import { UtcDateTime } from './declaration.ts';
import { checkContainerNumber, checkCountry, checkUnLocode } from './identifiers/index.ts';
import { identifier } from './refine.ts';
import { ThreatCategory } from './rule.ts';

/**
 * A risk alert one customs service sends another: a seizure notice (what was found, on what) or an
 * intelligence notice (what to look for), with the indicators a receiving service's analysts turn
 * into a risk profile: HS codes (a chapter, heading, subheading or full code), routes (port of
 * loading → port of discharge), parties, countries of origin and container numbers. It travels as a
 * signed note (app/cooperation): the issuing service signs it, the receiver checks the signature
 * against the partner's registered key before anything else. Modelled on the WCO's and the
 * RILO network's practice of seizure and alert messages; the handling code says how the receiver may
 * pass it on (a Traffic Light Protocol colour).
 */
export const RISK_ALERT_FORMAT = 'portcullis-risk-alert/v1';

const text = (max: number) => z.string().trim().min(1).max(max);

/** 2, 4, 6, 8 or 10 digits: a chapter, heading, subheading or national code. */
const HsPrefix = z.string().regex(/^\d{2}(\d{2}){0,4}$/, 'is not 2, 4, 6, 8 or 10 digits of an HS code');

export const RiskAlertIndicators = z
  .object({
    hsCodes: z.array(HsPrefix).max(200).default([]),
    routes: z.array(z.object({ from: identifier(checkUnLocode), to: identifier(checkUnLocode) }).strict()).max(200).default([]),
    /** Party identifiers as both services know them (EORI numbers, say). */
    parties: z.array(text(64)).max(200).default([]),
    originCountries: z.array(identifier(checkCountry)).max(200).default([]),
    containers: z.array(identifier(checkContainerNumber)).max(200).default([]),
  })
  .strict()
  .refine((i) => Object.values(i).some((list) => list.length > 0), { message: 'name at least one indicator (hsCodes, routes, parties, originCountries or containers)' });

/** What the issuing service's analyst writes; the service adds format, issuer and issuedAt. */
const REQUEST_FIELDS = {
  /** The issuer's own reference, unique among its alerts. */
  id: text(64),
  kind: z.enum(['seizure', 'intelligence']),
  threat: ThreatCategory,
  summary: text(1000),
  indicators: RiskAlertIndicators,
  validFrom: UtcDateTime,
  validUntil: UtcDateTime,
  /** How far the receiver may share it (Traffic Light Protocol 2.0). */
  handling: z.enum(['TLP:RED', 'TLP:AMBER+STRICT', 'TLP:AMBER', 'TLP:GREEN', 'TLP:CLEAR']),
};
const validity = { message: 'validUntil must be after validFrom', path: ['validUntil'] };

export const RiskAlertRequest = z
  .object(REQUEST_FIELDS)
  .strict()
  .refine((a) => a.validFrom < a.validUntil, validity);
export type RiskAlertRequest = z.input<typeof RiskAlertRequest>;

export const RiskAlert = z
  .object({
    format: z.literal(RISK_ALERT_FORMAT),
    ...REQUEST_FIELDS,
    /** The issuing service, as its signing key names it. */
    issuer: text(128),
    issuedAt: UtcDateTime,
  })
  .strict()
  .refine((a) => a.validFrom < a.validUntil, validity);
export type RiskAlert = z.infer<typeof RiskAlert>;
export type RiskAlertInput = z.input<typeof RiskAlert>;
