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
