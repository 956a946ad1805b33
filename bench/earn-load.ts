/**
 * The load generator, in its own process so it does not share the service's event loop:
 * autocannon POSTs purchase earns to the local API, each with its own Idempotency-Key and
 * order id, spread over many accounts. Prints one JSON line with the results.
 *
 * argv: JSON { baseUrl, partnerKey, accounts: string[], seconds, connections, runId }
 */
import autocannon from 'autocannon';

const { baseUrl, partnerKey, accounts, seconds, connections, runId } = JSON.parse(process.argv[2] ?? '{}') as {
  baseUrl: string;
  partnerKey: string;
  accounts: string[];
  seconds: number;
  connections: number;
  runId: string;
};

let n = 0;
const result = await autocannon({
  url: baseUrl,
  connections,
  duration: seconds,
  requests: [
    {
      method: 'POST',
      path: '/api/v1/earn',
      setupRequest: (request) => {
        n += 1;
        return {
          ...request,
          headers: { 'content-type': 'application/json', 'x-api-key': partnerKey, 'idempotency-key': `load-${runId}-${n}` },
          body: JSON.stringify({
            accountId: accounts[n % accounts.length],
            source: { type: 'purchase', orderId: `load-${runId}-${n}`, subtotalCents: 10_000 },
          }),
        };
      },
    },
  ],
});

console.log(
  JSON.stringify({
    requests: result.requests.total,
    perSecond: result.requests.total / (result.duration || seconds),
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    latencyP50: result.latency.p50,
    latencyP99: result.latency.p99,
  }),
);
