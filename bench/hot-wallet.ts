import { performance } from 'node:perf_hooks';
import type { CapacityMeter } from './capacity-meter.ts';

export interface HotWalletResult {
  redeems: number;
  fundedFor: number;
  successes: number;
  insufficient: number;
  gaveUp: number;
  other: string[];
  transactAttempts: number;
  conflicts: number;
  /** Reads beyond the first per request: each is a round of decide-again after a conflict. */
  retries: number;
  wallMs: number;
  balanceOk: boolean;
  violations: string[];
}

async function post(baseUrl: string, partnerKey: string, path: string, key: string, body: unknown) {
  const response = await fetch(`${baseUrl}${path}`, {
    method: path.startsWith('/api/v1/accounts/') ? 'PUT' : 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': partnerKey, 'idempotency-key': key },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as { code?: string; balance?: number } };
}

/**
 * `redeems` concurrent 5000-point redemptions through the local API on one account funded for
 * `fundedFor` of them: how many succeed, how many lose the race and retry, and whether the
 * books still balance (no overspend, no lost update).
 */
export async function hotWallet(input: {
  baseUrl: string;
  partnerKey: string;
  tenantId: string;
  meter: CapacityMeter;
  redeems: number;
  fundedFor: number;
}): Promise<HotWalletResult> {
  const { baseUrl, partnerKey, tenantId, meter, redeems, fundedFor } = input;
  const accountId = `hot-${Date.now().toString(36)}`;
  await post(baseUrl, partnerKey, `/api/v1/accounts/${accountId}`, `${accountId}-create`, {
    profile: { profileId: accountId, role: 'CONSUMER' },
  });
  const funding = 5000 * fundedFor;
  const funded = await post(baseUrl, partnerKey, '/api/v1/earn', `${accountId}-fund`, {
    accountId,
    source: { type: 'bonus', campaignId: 'hot', points: funding },
  });
  if (funded.status !== 201) throw new Error(`hot wallet: funding failed with ${funded.status}`);

  meter.take();
  const started = performance.now();
  const answers = await Promise.all(
    Array.from({ length: redeems }, (_, i) =>
      post(baseUrl, partnerKey, '/api/v1/redeem', `${accountId}-redeem-${i}`, { accountId, points: 5000, orderId: `hot-${i}` }),
    ),
  );
  const wallMs = performance.now() - started;
  const tally = meter.take();

  const successes = answers.filter((a) => a.status === 201).length;
  // The auditor reads the table through the store, which reads its configuration on load: import it once the bench has set it.
  const { auditTenant } = await import('../test/support/table-audit.ts');
  const audit = await auditTenant(tenantId);
  const account = audit.accounts.find((a) => a.accountId === accountId);
  return {
    redeems,
    fundedFor,
    successes,
    insufficient: answers.filter((a) => a.body.code === 'insufficient_points').length,
    gaveUp: answers.filter((a) => a.body.code === 'concurrent_update').length,
    other: answers
      .filter((a) => a.status !== 201 && a.body.code !== 'insufficient_points' && a.body.code !== 'concurrent_update')
      .map((a) => `${a.status} ${a.body.code}`),
    transactAttempts: tally.calls.TransactWriteItemsCommand ?? 0,
    conflicts: tally.cancellations,
    retries: (tally.calls.BatchGetItemCommand ?? 0) - redeems,
    wallMs,
    balanceOk: account?.wallets.points.balance === funding - successes * 5000 && successes <= fundedFor,
    violations: audit.violations,
  };
}
