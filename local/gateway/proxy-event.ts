import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { RouteDefinition } from '../../functions/api/route-types.ts';

export const LOCAL_STAGE = 'local';

export interface ProxyEventInput {
  req: IncomingMessage;
  route: RouteDefinition;
  rawPath: string;
  rawQuery: string;
  pathParameters: Record<string, string>;
  body: string | null;
  requestId: string;
  requestTimeEpoch: number;
  authorizer: Record<string, unknown> | null;
}

/**
 * The REST API (v1) proxy event API Gateway would send for this request. Header names keep
 * the client's spelling, as on AWS, so handlers must look headers up case-insensitively.
 */
export function toProxyEvent(input: ProxyEventInput): APIGatewayProxyEvent {
  const { req, route, rawPath, requestId } = input;
  const { single: headers, multi: multiValueHeaders } = collectHeaders(req.rawHeaders);
  const { single: query, multi: multiQuery } = collectQuery(input.rawQuery);
  const sourceIp = req.socket.remoteAddress ?? '127.0.0.1';
  return {
    resource: route.path,
    path: rawPath,
    httpMethod: route.method,
    headers,
    multiValueHeaders,
    queryStringParameters: nullWhenEmpty(query),
    multiValueQueryStringParameters: nullWhenEmpty(multiQuery),
    pathParameters: nullWhenEmpty(input.pathParameters),
    stageVariables: null,
    body: input.body,
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: input.authorizer,
      protocol: `HTTP/${req.httpVersion}`,
      httpMethod: route.method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: sourceIp.replace(/^::ffff:/, ''),
        user: null,
        userAgent: headerOf(headers, 'user-agent') ?? null,
        userArn: null,
      },
      path: `/${LOCAL_STAGE}${rawPath}`,
      stage: LOCAL_STAGE,
      requestId,
      requestTimeEpoch: input.requestTimeEpoch,
      resourceId: route.operationId,
      resourcePath: route.path,
    },
  };
}

/**
 * `rawHeaders` keeps the client's spelling and repeats; `headers` holds the last value, as on
 * AWS. Built through Maps so a name like `__proto__` is just a name.
 */
export function collectHeaders(rawHeaders: string[]) {
  const pairs: [string, string][] = [];
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    pairs.push([rawHeaders[index] as string, rawHeaders[index + 1] as string]);
  }
  return singleAndMulti(pairs);
}

function collectQuery(rawQuery: string) {
  return singleAndMulti(new URLSearchParams(rawQuery));
}

function singleAndMulti(pairs: Iterable<[string, string]>) {
  const multi = new Map<string, string[]>();
  for (const [name, value] of pairs) {
    const values = multi.get(name);
    if (values === undefined) multi.set(name, [value]);
    else values.push(value);
  }
  const single = Object.fromEntries([...multi].map(([name, values]) => [name, values.at(-1) as string]));
  return { single, multi: Object.fromEntries(multi) };
}

export function headerOf(headers: Record<string, string>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

function nullWhenEmpty<T extends object>(value: T): T | null {
  return Object.keys(value).length === 0 ? null : value;
}
