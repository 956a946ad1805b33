import openapi from '../../../schemas/openapi.json' with { type: 'json' };
import { httpHandler } from '../http/http-handler.ts';
import { getOpenApiRoute } from '../routes/get-openapi.ts';

/** Serves the generated document; generating it needs every schema, serving it does not. */
export const handler = httpHandler(getOpenApiRoute, async () => ({
  status: 200,
  body: openapi,
}));
