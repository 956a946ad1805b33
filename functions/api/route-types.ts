import type { ZodMiniType } from 'zod/mini';
import type { ErrorCode } from '../../schemas/error-codes.ts';
import type { StartedWorkflow } from '../workflows/workflow-names.ts';
import type { OperatorRole, PartnerScope, TableAccess } from '../domain/vocabulary.ts';

export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'DELETE';

/** How a caller proves who it is: nobody, a partner API key, or an operator JWT. */
export type AuthKind = 'public' | 'partner' | 'operator';

export interface RouteResponse {
  status: number;
  description: string;
  schema?: ZodMiniType;
}

/**
 * One entry of the route manifest. The local gateway, the OpenAPI document and the CDK stack
 * are all derived from the list of these; nothing else declares a route.
 */
export interface RouteDefinition {
  /** Stable name: OpenAPI operationId and the Lambda function's logical id. */
  operationId: string;
  method: HttpMethod;
  /** API Gateway resource path with `{param}` placeholders. */
  path: string;
  summary: string;
  auth: AuthKind;
  /** Partner scopes a key needs (any of them) for `auth: 'partner'`. */
  scopes?: PartnerScope[];
  /** Operator roles allowed for `auth: 'operator'`. */
  roles?: OperatorRole[];
  /** Mutating routes require an `Idempotency-Key` header. */
  idempotent: boolean;
  tableAccess: TableAccess;
  /** Reads the sealed audit exports (exports/ of the audit bucket): GetObject and decrypt, nothing else. */
  auditExports?: 'read';
  /**
   * Step Functions workflows the handler starts (states:StartExecution, and the state machine's
   * ARN in its environment) or hands a waiting task's result to (states:SendTaskSuccess).
   */
  workflows?: { starts?: StartedWorkflow[]; completes?: 'Approval'[] };
  /** Registers tenants' usage keys with API Gateway (CreateApiKey, CreateUsagePlanKey on the partner plans), nothing else. */
  usageKeys?: 'register';
  request?: {
    params?: ZodMiniType;
    query?: ZodMiniType;
    body?: ZodMiniType;
  };
  responses: RouteResponse[];
  /** Problem codes this route can answer with, beyond the ones every route can. */
  errors: ErrorCode[];
  /** Handler module, relative to the repository root; it exports `handler`. */
  handler: string;
}

/** Keeps a route's literal types (its schemas above all) so its handler is typed from it. */
export function defineRoute<const R extends RouteDefinition>(route: R): R {
  return route;
}

type RequestPart<R extends RouteDefinition, K extends 'params' | 'query' | 'body'> =
  NonNullable<R['request']> extends { [P in K]: infer S } ? (S extends ZodMiniType<infer T> ? T : undefined) : undefined;

export type BodyOf<R extends RouteDefinition> = RequestPart<R, 'body'>;
export type QueryOf<R extends RouteDefinition> = RequestPart<R, 'query'>;
export type ParamsOf<R extends RouteDefinition> = RequestPart<R, 'params'>;
