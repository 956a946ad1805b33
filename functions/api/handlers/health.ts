import { httpHandler } from '../http/http-handler.ts';
import { healthRoute } from '../routes/health.ts';

/** Liveness only: it touches no dependency, so it is cheap to poll and reveals nothing. */
export const handler = httpHandler(healthRoute, async () => ({
  status: 200,
  body: { status: 'ok', service: 'redroomrewards', time: new Date().toISOString() },
}));
