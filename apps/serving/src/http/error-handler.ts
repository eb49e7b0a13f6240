import { AppError, ERROR_CODES, type TErrorCode } from '@acsa/core/errors';
import type { FastifyError, FastifyInstance } from 'fastify';
import { ZodError } from 'zod';

const BY_STATUS: Record<number, TErrorCode> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
};

/** Turns a zod failure into the one error shape, naming the first offending field. */
export function fromZod(error: ZodError): AppError {
  const issue = error.issues[0];
  const field = issue?.path.join('.') || undefined;
  const message = issue
    ? issue.code === 'unrecognized_keys'
      ? `unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}`
      : issue.code === 'invalid_type' && issue.input === undefined
        ? `"${field}" is required`
        : `"${field ?? 'body'}" ${issue.message}`
    : 'invalid request body';
  return new AppError('BAD_REQUEST', message, { field });
}

/**
 * The body of an error answer. A 5xx is ours to explain, so it names the request (the `x-request-id` every
 * answer carries, and the `reqId` of its log lines) for the storefront developer to quote; a 4xx says
 * what to change instead.
 */
export function errorBody(e: AppError, requestId: string) {
  const body = e.toJSON();
  return e.status >= 500 ? { error: { ...body.error, requestId } } : body;
}

/**
 * Every error leaves as `{ error: { code, message, field?, requestId? } }`. Client mistakes that Fastify
 * catches itself (bad JSON, wrong content type, body too large) keep their 4xx; only our own failures are
 * 5xx, logged with the request id and never echoed with internals.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | AppError | ZodError, request, reply) => {
    let e: AppError;
    if (err instanceof AppError) e = err;
    else if (err instanceof ZodError) e = fromZod(err);
    else if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      const code = BY_STATUS[err.statusCode] ?? 'BAD_REQUEST';
      const message =
        code === 'PAYLOAD_TOO_LARGE'
          ? 'the request body is too large'
          : code === 'UNSUPPORTED_MEDIA_TYPE'
            ? 'send the body as application/json'
            : err.message.replace(/^FST_\w+: /, '');
      e = new AppError(code, message);
    } else {
      request.log.error({ err }, 'request failed');
      e = new AppError('INTERNAL', 'something went wrong on our side; the request can be retried');
    }
    if (e.retryAfter) reply.header('retry-after', String(e.retryAfter));
    void reply.status(ERROR_CODES[e.code]).send(errorBody(e, request.id));
  });
  app.setNotFoundHandler((request, reply) => {
    void reply
      .status(404)
      .send(new AppError('NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`).toJSON());
  });
}
