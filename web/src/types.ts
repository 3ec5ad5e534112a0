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

// Administration (users, API keys, devices, keys).

/** A user as the administrators' list shows it (GET /users). */
export interface UserRow {
  readonly id: string;
  readonly name: string;
  readonly roles: readonly Role[];
  readonly party?: string;
  readonly disabled: boolean;
  readonly createdAt: string;
  readonly lastSeenAt: string | null;
}

/** An API key as listed (never its secret). */
export interface ApiKeyInfo {
  readonly id: string;
  readonly name: string;
  readonly user: string;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
}

/** A new API key: the whole key (`key`) is in this answer and nowhere else, ever. */
export interface CreatedApiKey {
  readonly id: string;
  readonly name: string;
  readonly user: string;
  readonly key: string;
  readonly createdAt: string;
  readonly expiresAt: string | null;
}

export interface Device {
  readonly id: string;
  readonly publicKey: string;
  readonly container: string | null;
  readonly registeredBy: string;
  readonly registeredAt: string;
  readonly revokedAt: string | null;
}

/** GET /keys/status: the data-key ring by id and count (src/app/security/key-status.ts). */
export interface KeyStatus {
  readonly source: 'file' | 'env' | 'memory';
  readonly current: { readonly kid: string; readonly created: string | null; readonly ageDays: number | null; readonly stale: boolean; readonly maxAgeDays: number };
  readonly keys: readonly { readonly kid: string; readonly created: string | null; readonly current: boolean; readonly values: number }[];
  readonly columns: readonly { readonly table: string; readonly column: string; readonly byKey: Readonly<Record<string, number>> }[];
  readonly plaintext: number;
  readonly underOlderKeys: number;
  readonly rotating: string | null;
  readonly rotateCommand: string;
  readonly ledger: { readonly log: { readonly name: string; readonly keyId: string }; readonly party: { readonly name: string; readonly keyId: string } };
}

/** A consignment's voyage (GET /consignments/:id/track): the planned ports placed, the corridor, the device's events, the alerts. */
export interface LatLon {
  readonly lat: number;
  readonly lon: number;
}
export interface TrackAlert {
  readonly id: string;
  readonly code: string;
  readonly severity: string;
  readonly message: string;
  readonly status: string;
  readonly raisedAt: string;
  readonly at: string | null;
  readonly position: LatLon | null;
}
export interface Track {
  readonly consignment: string;
  readonly container: string;
  readonly ports: readonly string[];
  readonly portPositions: readonly (LatLon & { readonly code: string })[];
  readonly corridorKm: number;
  readonly events: readonly { readonly event: { readonly eventId: string; readonly time: string; readonly eventCode?: string; readonly location?: string; readonly position?: LatLon }; readonly receivedAt: string; readonly ledgerIndex: number | null }[];
  readonly alerts: readonly TrackAlert[];
}

/** Where two parties' records of a consignment disagree (GET /declarations/:id/discrepancies). */
export interface DiscrepancySide {
  readonly role: 'declarant' | 'carrier' | 'telemetry';
  readonly party: string;
  readonly value: string | number | readonly string[] | null;
  readonly records: readonly { readonly id: string; readonly entry: number | null }[];
}
export interface Discrepancy {
  readonly field: 'container' | 'portOfLoading' | 'portOfDischarge' | 'weight' | 'date' | 'seal';
  readonly container?: string;
  readonly sides: readonly [DiscrepancySide, DiscrepancySide];
  readonly message: string;
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

/** A carrier's movement (DCSA Track & Trace event) as GET /movements sends it, with its ledger entry. */
export interface Movement {
  readonly event: {
    readonly eventId: string;
    readonly carrier: string;
    readonly eventType: 'EQUIPMENT' | 'TRANSPORT';
    readonly eventCode: string;
    readonly eventClassifier: string;
    readonly eventDateTime: string;
    readonly transportDocument?: string;
    readonly container?: string;
    readonly location: string;
    readonly seals: readonly string[];
    readonly grossWeightKg?: number;
    readonly vessel?: string;
    readonly voyage?: string;
  };
  readonly ledgerIndex: number | null;
}

// Models page: the registry, training jobs, evaluations with their curves, drift (src/api/routes/models.ts).

/** How a model did at one inspection rate: the top k declarations by score. */
export interface RatePoint {
  readonly rate: number;
  readonly k: number;
  readonly precision: number;
  readonly recall: number;
  readonly revenueShare: number | null;
}

export type RateKey = '1' | '2' | '5' | '10';

/** The measures of a model (as training's validation records them, and as an evaluation gives them). */
export interface ModelMeasures {
  readonly rows: number;
  readonly positives: number;
  readonly auc: number;
  readonly prAuc: number;
  readonly brier: number;
  readonly logLoss: number;
  readonly precisionAt: Record<RateKey, number>;
  readonly recallAt: Record<RateKey, number>;
  readonly revenueAt: Record<RateKey, number> | null;
}

export interface RegisteredModel {
  readonly id: string;
  readonly label: string;
  readonly status: 'registered' | 'active' | 'retired';
  readonly registeredBy: string;
  readonly registeredAt: string;
  readonly activatedBy?: string | null;
  readonly activatedAt?: string | null;
  readonly summary: {
    readonly validFrom?: string;
    readonly trainPeriod?: { readonly from: string | null; readonly to: string | null };
    readonly rows?: { readonly train: number; readonly valid: number; readonly rejected: number };
    readonly positives?: { readonly train: number; readonly valid: number };
    readonly rounds?: number;
    readonly validation?: Partial<ModelMeasures>;
  };
}

export interface ModelEvaluation extends ModelMeasures {
  readonly model: string;
  readonly label: string;
  readonly period: { readonly from: string | null; readonly to: string | null };
  readonly reliability: readonly { readonly from: number; readonly to: number; readonly count: number; readonly meanPredicted: number; readonly observedRate: number }[];
  readonly curves: { readonly inspection: readonly RatePoint[]; readonly roc: readonly { readonly fpr: number; readonly tpr: number }[] };
}

export interface Job {
  readonly id: string;
  readonly kind: string;
  readonly status: 'running' | 'succeeded' | 'failed';
  readonly progress: number;
  readonly message: string;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly result: unknown;
  readonly error: { readonly code: string; readonly message: string } | null;
}

export type DriftLevel = 'stable' | 'moderate' | 'significant';

export interface DriftReport {
  readonly model: string;
  readonly reference: { readonly from: string; readonly to: string; readonly declarations: number };
  readonly recent: { readonly from: string; readonly to: string; readonly declarations: number };
  readonly score: { readonly psi: number; readonly level: DriftLevel; readonly bins: readonly { readonly from: number | null; readonly to: number | null; readonly reference: number; readonly recent: number }[] };
  readonly features: readonly { readonly feature: string; readonly psi: number; readonly level: DriftLevel }[];
  readonly threshold: number;
  readonly drifted: boolean;
  readonly recommendation: string;
}
