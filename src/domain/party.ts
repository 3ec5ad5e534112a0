import { z } from 'zod';
import { checkCountry } from './identifiers/index.ts';
import { identifier } from './refine.ts';

export const PartyRole = z.enum(['importer', 'declarant', 'seller', 'exporter', 'courier', 'carrier']);
export type PartyRole = z.infer<typeof PartyRole>;

/** A trader or operator, with its Authorised Economic Operator status (WCO SAFE framework). */
export const Party = z.object({
  id: z.string().trim().min(1).max(64),
  name: z.string().trim().min(1).max(256),
  roles: z.array(PartyRole).min(1),
  country: identifier(checkCountry),
  aeo: z.boolean().default(false),
});
export type Party = z.infer<typeof Party>;
