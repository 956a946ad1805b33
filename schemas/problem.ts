import * as z from 'zod/mini';
import { ERROR_CODE_LIST } from './error-codes.ts';

/** RFC 9457 problem details, with a stable machine-readable `code`. */
export const Problem = z.looseObject({
  type: z.string(),
  title: z.string(),
  status: z.int(),
  code: z.enum(ERROR_CODE_LIST as [string, ...string[]]),
  detail: z.string(),
  requestId: z.string(),
  errors: z.optional(z.array(z.object({ path: z.string(), message: z.string() }))),
});
