/** One error model for every transport: a code, a message for people, and the field at fault. */
export const ERROR_CODES = {
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNPROCESSABLE: 422,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  MODEL_NOT_READY: 503,
  UNAVAILABLE: 503,
} as const;

export type TErrorCode = keyof typeof ERROR_CODES;

export class AppError extends Error {
  readonly code: TErrorCode;
  readonly field?: string;
  /** Seconds a client should wait before retrying (429, 503). */
  readonly retryAfter?: number;

  constructor(
    code: TErrorCode,
    message: string,
    options: { field?: string; retryAfter?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.field = options.field;
    this.retryAfter = options.retryAfter;
  }

  get status(): number {
    return ERROR_CODES[this.code];
  }

  toJSON() {
    return {
      error: { code: this.code, message: this.message, ...(this.field ? { field: this.field } : {}) },
    };
  }
}

export const isAppError = (err: unknown): err is AppError => err instanceof AppError;
