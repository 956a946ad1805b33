import { defineRoute } from '../route-types.ts';

export const getOpenApiRoute = defineRoute({
  operationId: 'getOpenApi',
  method: 'GET',
  path: '/api/v1/openapi.json',
  summary: 'This API as an OpenAPI 3.1 document',
  auth: 'public',
  idempotent: false,
  tableAccess: 'none',
  responses: [{ status: 200, description: 'The OpenAPI document' }],
  errors: [],
  handler: 'functions/api/handlers/get-openapi.ts',
});
