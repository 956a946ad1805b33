import * as z from 'zod/mini';

export const HealthView = z.object({ status: z.literal('ok'), service: z.string(), time: z.string() });
