import { HealthView } from '../../../schemas/health.ts';
import { defineRoute } from '../route-types.ts';

export const healthRoute = defineRoute({
  operationId: 'health',
  method: 'GET',
  path: '/api/v1/health',
  summary: 'Liveness check',
  auth: 'public',
  idempotent: false,
  tableAccess: 'none',
  responses: [{ status: 200, description: 'The service is up', schema: HealthView }],
  errors: [],
  handler: 'functions/api/handlers/health.ts',
});
