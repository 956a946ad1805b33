import openapi from '../../../schemas/openapi.json' with { type: 'json' };
import { httpHandler } from '../http/http-handler.ts';

/** Serves the generated document; generating it needs every schema, serving it does not. */
export const handler = httpHandler({ operationId: 'getOpenApi', auth: 'public' }, async () => ({
  status: 200,
  body: openapi,
}));
