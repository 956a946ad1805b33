import { ERROR_CODES } from '../../../schemas/error-codes.ts';
import type { RefusalCode } from '../../domain/result.ts';
import type { CommandIdentity, CommandOutcome } from '../../usecases/command-outcome.ts';
import { REFUSAL_TABLE } from '../refusal-table.ts';
import type { HttpResult, ParsedRequest } from './http-handler.ts';
import { ProblemError } from './problem.ts';

/** Effects to statuses: the one place a command's result gets its HTTP status. */
const STATUS_OF_EFFECT = { created: 201, updated: 200, accepted: 202 } as const;

/** Headers a refusal's machine-readable detail implies. */
function refusalHeaders(code: RefusalCode, extra: Record<string, unknown> | undefined): Record<string, string> {
  if (ERROR_CODES[REFUSAL_TABLE[code]].status === 429 && typeof extra?.retryAfterSeconds === 'number') {
    return { 'retry-after': String(extra.retryAfterSeconds) };
  }
  return {};
}

/**
 * A command's outcome as HTTP: a success with its stored body text as is (so a replay is the
 * first answer byte for byte), anything else a problem.
 */
export function httpAnswer(outcome: CommandOutcome): HttpResult {
  switch (outcome.kind) {
    case 'committed':
      return { status: STATUS_OF_EFFECT[outcome.result.effect], bodyJson: outcome.result.bodyJson };
    case 'replayed':
      return {
        status: STATUS_OF_EFFECT[outcome.result.effect],
        bodyJson: outcome.result.bodyJson,
        headers: { 'idempotent-replayed': 'true' },
      };
    case 'refused': {
      const { code, detail, extra } = outcome.refusal;
      const problem = new ProblemError(REFUSAL_TABLE[code], detail, extra ?? {}, refusalHeaders(code, extra));
      problem.rule = code;
      throw problem;
    }
    case 'key_reused':
      throw new ProblemError('idempotency_key_reused', 'This Idempotency-Key was already used with a different request');
    case 'key_in_flight':
      throw new ProblemError(
        'idempotency_key_in_use',
        'Another request with this Idempotency-Key is being committed; retry shortly to get its outcome',
        {},
        { 'retry-after': '1' },
      );
    case 'contended':
      throw new ProblemError(
        'concurrent_update',
        'What this request acts on is changing under heavy concurrency; retry with the same Idempotency-Key after Retry-After',
        {},
        { 'retry-after': String(outcome.retryAfterSeconds ?? 1) },
      );
    case 'out_of_time':
      throw new ProblemError(
        'service_unavailable',
        'The request ran out of time before it could be committed; nothing was written; retry with the same Idempotency-Key',
        {},
        { 'retry-after': '1' },
      );
    case 'cut_off':
      throw new ProblemError(
        'service_unavailable',
        'The database did not answer in time; the request may or may not have been committed; retry with the same Idempotency-Key to get its one outcome',
        {},
        { 'retry-after': '1' },
      );
    case 'state_too_large':
      throw new ProblemError(
        'service_unavailable',
        'The database refused this change for the size of what it stores; nothing was written; retry later with the same Idempotency-Key',
        {},
        { 'retry-after': '60' },
      );
  }
}

/** Who calls and under which key, from an HTTP request: partners and operators each have their own key space. */
export function commandIdentity<B, Q, P>(request: ParsedRequest<B, Q, P>): CommandIdentity {
  return {
    tenantId: request.tenantId,
    idempotency: { namespace: request.actor.kind, key: request.idempotencyKey },
    operationId: request.operationId,
    actor: request.actor,
    requestId: request.requestId,
    hashInput: { params: request.params, body: request.body },
    clientMeta: request.clientMeta,
    remainingMs: request.remainingMs,
  };
}
