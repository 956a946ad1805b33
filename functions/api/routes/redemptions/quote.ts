import { QuoteBody, QuoteResult } from '../../../../schemas/redemptions.ts';
import { defineRoute } from '../../route-types.ts';

export const quoteRedemptionRoute = defineRoute({
  operationId: 'quoteRedemption',
  method: 'POST',
  path: '/api/v1/redemptions/quote',
  summary: 'What a redemption of these points would give, and what is available; nothing is written',
  auth: 'partner',
  scopes: ['redeem', 'read'],
  idempotent: false,
  tableAccess: 'read',
  request: { body: QuoteBody },
  responses: [{ status: 200, description: 'The quote', schema: QuoteResult }],
  errors: ['not_found', 'insufficient_points', 'below_minimum_redemption'],
  handler: 'functions/api/handlers/redemptions/quote.ts',
});
