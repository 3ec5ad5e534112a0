/**
 * The one error class of Portcullis. Every error carries a stable `code` that callers match on
 * (never the message text), and rejections of user input say which field or row was wrong, what
 * was wrong and what was expected.
 */
export type ErrorCode =
  | 'INVALID_INPUT'
  | 'INVALID_MAPPING'
  | 'INVALID_FILE'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'FORBIDDEN'
  /** No credentials, or credentials that do not hold (HTTP 401). */
  | 'UNAUTHENTICATED'
  /** Too many attempts: the caller must wait (HTTP 429); details say how long. */
  | 'RATE_LIMITED'
  | 'STORE_ERROR'
  | 'CONFIG_ERROR'
  /** The MQTT broker or the telemetry receiver failed. */
  | 'BROKER_ERROR';

export interface ErrorDetail {
  readonly row?: number;
  readonly field?: string;
  readonly problem: string;
  readonly expected?: string;
}

export class PortcullisError extends Error {
  readonly code: ErrorCode;
  readonly details: readonly ErrorDetail[];

  constructor(code: ErrorCode, message: string, details: readonly ErrorDetail[] = [], options?: ErrorOptions) {
    super(message, options);
    this.name = 'PortcullisError';
    this.code = code;
    this.details = details;
  }
}

export function isPortcullisError(e: unknown): e is PortcullisError {
  return e instanceof PortcullisError;
}
