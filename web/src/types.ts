/** What the application reads from the API: the domain's shapes (types only, as the layers allow) and the API's own views. */
import type { Decision, DecisionReason, SelectionType } from '../../src/domain/decision.ts';
import type { Role } from '../../src/domain/user.ts';
import type { SignedEntry } from './ledger/verify.ts';

export type { Decision, DecisionReason, Role, SelectionType };
export type Lane = Decision['lane'];

export interface Me {
  readonly id: string;
  readonly name: string;
  readonly roles: readonly Role[];
  readonly party: string | null;
  readonly via: 'token' | 'api-key';
}

export interface WorkItem {
  readonly decision: Decision;
  readonly status: 'open' | 'claimed' | 'inspected';
  readonly claimedBy: string | null;
  readonly claimedAt: string | null;
}

export interface LaneView {
  readonly lane: Lane;
  readonly decidedAt: string;
  readonly revision: number;
}

/** A declaration as the API sends it (WCO-style fields; see src/domain/declaration.ts). */
export interface DeclarationView {
  readonly id: string;
  readonly filedAt: string;
  readonly customsOffice: string;
  readonly importer?: string;
  readonly declarant?: string;
  readonly originCountry?: string;
  readonly exportCountry?: string;
  readonly portOfLoading?: string;
  readonly portOfDischarge?: string;
  readonly transportMode?: string;
  readonly containers?: readonly string[];
  readonly items: readonly { sequence: number; hsCode: string; description?: string; customsValue: number; currency?: string; grossMassKg?: number; quantity?: number; originCountry?: string }[];
  readonly [k: string]: unknown;
}

/** An entry as the API lists it: the signed entry (ledger/verify.ts) with its index and subject. */
export interface LedgerEntry extends SignedEntry {
  readonly index: number;
  readonly subject?: string | null;
}

/** What became of a set of declarations (GET /dashboard; src/app/targeting/dashboard.ts). Rates are null where nothing was decided or inspected. */
export interface DashboardFigures {
  readonly filed: number;
  readonly decided: number;
  readonly red: number;
  readonly yellow: number;
  readonly green: number;
  readonly inspectionRate: number | null;
  readonly inspected: number;
  readonly findings: number;
  readonly hitRate: number | null;
  readonly hitRateLow: number | null;
  readonly hitRateHigh: number | null;
  readonly revenue: number;
}

export interface DashboardView {
  readonly from: string;
  readonly to: string;
  readonly office: string | null;
  readonly bucket: 'day' | 'week' | 'month';
  readonly offices: readonly string[];
  readonly totals: DashboardFigures & { readonly target: number | null; readonly alertsRaised: number; readonly alertsOpen: number };
  readonly series: readonly (DashboardFigures & { readonly start: string; readonly alertsRaised: number; readonly alertsOpen: number })[];
  readonly byOffice: readonly (DashboardFigures & { readonly office: string; readonly target: number; readonly budget: string })[];
  readonly rates: readonly { readonly office: string; readonly target: number; readonly rates: readonly (number | null)[] }[];
}
