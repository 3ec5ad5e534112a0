import type { Declaration } from '../../domain/declaration.ts';
import type { TrainRequest } from '../models/store-models.ts';

/**
 * Background work as jobs (issue 9): training, back-tests, re-scoring after telemetry alerts, data
 * key rotation. One interface, two queues: on PostgreSQL a shared, durable one (pg-boss, pg-queue.ts)
 * that every instance works, each job done by one instance and taken over by another when the one
 * running it dies; on SQLite the process's own, in memory (local-queue.ts). docs/jobs.md.
 */
export const JOB_KINDS = ['model.train', 'rule.backtest', 'decisions.rescore', 'keys.rotate'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export type BacktestPeriod = { readonly from: string; readonly to: string; readonly office?: string | undefined };

/** What each kind of job is given (JSON: it travels through the queue). */
export interface JobInput {
  readonly 'model.train': Omit<TrainRequest, 'jobKey' | 'mapping'>;
  /** A rule as written, or a stored rule's version (fixed when the job is queued). */
  readonly 'rule.backtest': { readonly rule: unknown; readonly period: BacktestPeriod } | { readonly ruleId: string; readonly version: number; readonly period: BacktestPeriod };
  /**
   * Declarations an alert concerns, with the latest decision revision each had when the job was
   * queued (0: none): one decided again since then is not decided again by the job.
   */
  readonly 'decisions.rescore': { readonly ids: readonly string[]; readonly since: Readonly<Record<string, number>> };
  readonly 'keys.rotate': { readonly retire?: boolean };
}

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed';

export interface JobView {
  readonly id: string;
  readonly kind: string;
  /** Who started it: only they (and those who may see every job) read it. */
  readonly owner: string;
  readonly status: JobStatus;
  /** 0 to 1, with a message saying where the job is. */
  readonly progress: number;
  readonly message: string;
  readonly queuedAt: string;
  /** When an instance first took it (when it was queued, until then). */
  readonly startedAt: string;
  readonly finishedAt: string | null;
  /** How many times an instance took it (more than 1: taken over, or retried). */
  readonly attempts: number;
  readonly result: unknown;
  readonly error: { readonly code: string; readonly message: string } | null;
}

export interface JobQueue {
  /** Whether the jobs are shared by every instance on the database (PostgreSQL) or this process's own. */
  readonly shared: boolean;
  /**
   * Queues a job. A CONFLICT error for a `keys.rotate` while another is queued or running (one
   * rotation at a time).
   */
  send<K extends JobKind>(kind: K, owner: string, input: JobInput[K]): Promise<JobView>;
  /** A job as any instance sees it; undefined when there is none with that id. */
  get(id: string): Promise<JobView | undefined>;
  /** Resolves once the job has finished (succeeded or failed), or after `timeoutMs` with what it is then. */
  waitFor(id: string, timeoutMs?: number): Promise<JobView | undefined>;
  /** Resolves once no job is running on this instance (tests). */
  idle(): Promise<void>;
  /**
   * Stops taking jobs; jobs under way on this instance finish within the stop timeout or are
   * released for another instance (PostgreSQL). Resolves once stopped.
   */
  close(): Promise<void>;
}

/** What the jobs use that the service owns: its decision queue, so that re-scoring shares its decider. */
export interface JobDeps {
  readonly decide?: ((declarations: readonly Declaration[]) => Promise<unknown>) | undefined;
  readonly onError?: ((e: unknown, job: { readonly id: string; readonly kind: string }) => void) | undefined;
}

/** One run (attempt) of a job, as its handler sees it. */
export interface JobRun<K extends JobKind = JobKind> {
  readonly id: string;
  readonly kind: K;
  readonly owner: string;
  readonly input: JobInput[K];
  /** 0 for the first run; more when the job is taken over or retried. */
  readonly attempt: number;
  report(progress: number, message: string): void;
  /** Aborted when this instance lost the job (another took it over) or stops: stop as soon as it is safe to. */
  readonly signal: AbortSignal;
}

export const isJobKind = (k: string): k is JobKind => (JOB_KINDS as readonly string[]).includes(k);
