/**
 * The one error hierarchy. Domain code throws these; the HTTP layer turns them
 * into the contract's `{ error: { code, message, details? } }` shape.
 */
export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = new.target.name;
  }

  toJSON() {
    return { error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) } };
  }
}

export class ValidationError extends AppError {
  constructor(message: string, fields?: Record<string, string>, code = 'validation_failed') {
    super(400, code, message, fields ? { fields } : undefined);
  }
}

export class UnauthenticatedError extends AppError {
  constructor(message = 'A valid access token is required.') {
    super(401, 'unauthenticated', message, undefined, { 'www-authenticate': 'Bearer' });
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'You do not have permission to do this.', code = 'forbidden', details?: Record<string, unknown>) {
    super(403, code, message, details);
  }
}

export class NotFoundError extends AppError {
  constructor(message = 'Not found.', code = 'not_found') {
    super(404, code, message);
  }
}

export class ConflictError extends AppError {
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(409, code, message, details);
  }
}

/** Lost every optimistic retry to concurrent writers: nothing was written; the client may try again. */
export class ConcurrentModificationError extends ConflictError {
  constructor() {
    super('concurrent_modification', 'Something else changed this at the same moment; nothing was written. Try again.');
  }
}

export class GoneError extends AppError {
  constructor(code: string, message: string) {
    super(410, code, message);
  }
}

export class UnprocessableError extends AppError {
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(422, code, message, details);
  }
}

export class RateLimitedError extends AppError {
  constructor(retryAfterSeconds: number) {
    super(429, 'rate_limited', 'Too many requests; try again later.', { retryAfterSeconds }, {
      'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))),
    });
  }
}

/**
 * DynamoDB said "slow down" and the SDK's own retries (shared/data/client.ts) did not get
 * through: nothing of this request's failed write was applied, so the caller may retry.
 * A 429 like any other rate limit, never a 500: the fault is load, not a bug.
 */
export class ThrottledError extends AppError {
  constructor(retryAfterSeconds = 1) {
    super(429, 'rate_limited', 'The service is busy right now; nothing was changed. Try again shortly.', { retryAfterSeconds }, {
      'retry-after': String(retryAfterSeconds),
    });
  }
}

// The throttling errors DynamoDB answers with (by exception name), and the reasons a cancelled
// transaction gives for one of its parts when that part was throttled.
const THROTTLING_EXCEPTIONS = new Set(['ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded']);
const THROTTLING_REASONS = new Set(['ThrottlingError', 'ProvisionedThroughputExceeded', 'RequestLimitExceeded']);

/** Is this error DynamoDB throttling the call (a single call, or a part of a transaction)? */
export function isThrottling(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (THROTTLING_EXCEPTIONS.has(err.name)) return true;
  if (err.name !== 'TransactionCanceledException') return false;
  const reasons = (err as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return reasons.some((r) => r.Code !== undefined && THROTTLING_REASONS.has(r.Code));
}

/** Any error as the hierarchy knows it: an AppError as is, throttling as ThrottledError, else undefined (a bug: 500). */
export function toAppError(err: unknown): AppError | undefined {
  if (err instanceof AppError) return err;
  if (isThrottling(err)) return new ThrottledError();
  return undefined;
}

/** RFC 6749 §5.2 errors for the OAuth endpoints, which do not use the contract's envelope. */
export class OAuthError extends Error {
  constructor(
    // slow_down: the token-endpoint error registered by RFC 8628 §7.3, used with 429 for throttled client authentication.
    readonly error: 'invalid_client' | 'invalid_grant' | 'invalid_request' | 'invalid_scope' | 'unsupported_grant_type' | 'unauthorized_client' | 'slow_down',
    readonly description: string,
    readonly statusCode = error === 'invalid_client' ? 401 : 400,
    readonly headers: Record<string, string> = {},
  ) {
    super(description);
    this.name = 'OAuthError';
  }

  toJSON() {
    return { error: this.error, error_description: this.description };
  }
}
