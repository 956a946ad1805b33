import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  newIdempotencyKey,
  partnerClient,
  startLocalApi,
  type ApiResponse,
  type LocalApi,
  type PartnerClient,
} from '../support/local-api.ts';
import { auditAccount } from '../support/ledger-audit.ts';

/**
 * Issue 10, goal 4: a hot account degrades gracefully. Many writers at once on one account,
 * through the local API on DynamoDB Local: every answer is a success or a 409, 429 or 503
 * carrying Retry-After, never a 500; retried with their keys, every request ends with exactly
 * one outcome, and the books balance. What happens when is up to the machine: the test asserts
 * what must hold whatever the timing (the figures are bench/hot-account.ts's business).
 */

let api: LocalApi;
let partner: PartnerClient;
let tenantId: string;

beforeAll(async () => {
  api = await startLocalApi();
  // Contention is the subject, not redemption velocity: the anti-fraud counts are raised.
  const tenant = await api.newTenant(undefined, undefined, undefined, { maxPerHour: 10_000, maxPerDay: 100_000 });
  tenantId = tenant.tenantId;
  partner = partnerClient(api.baseUrl, tenant.partnerKey);
});
afterAll(() => api?.close());

const WRITERS = 120;
const REDEEM = 5000;
const BONUS = 700;
const RETRYABLE = new Set([409, 429, 503]);

type Kind = 'redeem' | 'purchase' | 'bonus';
const kindOf = (i: number): Kind => (i % 5 < 3 ? 'redeem' : i % 5 === 3 ? 'purchase' : 'bonus');

describe('a hot account', () => {
  it(`${WRITERS} concurrent writers on one account: every answer is 2xx or 409/429/503 with Retry-After, never a 500, and the books balance`, async () => {
    const accountId = 'hot-many';
    await partner.putAccount(accountId);
    const redeems = Array.from({ length: WRITERS }, (_, i) => kindOf(i)).filter((k) => k === 'redeem').length;
    // Funded for every redemption: whatever is not committed is down to contention, not funds.
    const funding = redeems * REDEEM;
    expect((await partner.earn({ accountId, source: { type: 'bonus', campaignId: 'fund', points: funding } })).status).toBe(201);

    const requests = Array.from({ length: WRITERS }, (_, i) => {
      const kind = kindOf(i);
      const key = newIdempotencyKey();
      const send = (): Promise<ApiResponse> =>
        kind === 'redeem'
          ? partner.redeem({ accountId, points: REDEEM, orderId: `hot-r${i}` }, { 'idempotency-key': key })
          : partner.earn(
              kind === 'purchase'
                ? { accountId, source: { type: 'purchase', orderId: `hot-p${i}`, subtotalCents: 10_000 } }
                : { accountId, source: { type: 'bonus', campaignId: 'hot', points: BONUS } },
              { 'idempotency-key': key },
            );
      return { kind, send };
    });

    const answers: ApiResponse[] = [];
    const first = await Promise.all(requests.map((r) => r.send()));
    answers.push(...first);
    // Each request that did not commit is retried with its key, one at a time, until it has
    // its one outcome: a commit now, or the replay of a commit made while its answer was lost.
    const final = [...first];
    for (const [i, request] of requests.entries()) {
      for (let tries = 0; RETRYABLE.has(final[i]!.status) && tries < 20; tries += 1) {
        final[i] = await request.send();
        answers.push(final[i]!);
      }
    }

    for (const answer of answers) {
      if (answer.status < 300) continue;
      expect(RETRYABLE.has(answer.status), `${answer.status} ${answer.body?.code}`).toBe(true);
      expect(['concurrent_update', 'rate_limited', 'service_unavailable', 'idempotency_key_in_use']).toContain(answer.body.code);
      expect(Number(answer.headers.get('retry-after')), `Retry-After of ${answer.body.code}`).toBeGreaterThanOrEqual(1);
    }
    // Funded for all of them: in the end every request committed, once.
    expect(final.map((answer) => answer.status)).toEqual(Array(WRITERS).fill(201));

    const moved = final.reduce((sum, answer, i) => sum + (requests[i]!.kind === 'redeem' ? -answer.body.points : answer.body.points), 0);
    const audit = await auditAccount(tenantId, accountId);
    expect(audit.balance).toBe(funding + moved);
    expect(audit.ledgerSum).toBe(audit.balance);
    expect(audit.lotsMinusDebt).toBe(audit.balance);
    expect(audit.pageSummaryViolations).toEqual([]);
    expect(audit.chainBreak).toBeUndefined();
    expect(audit.headMatches).toBe(true);
    // One ledger entry per request (and the funding): none applied twice, none lost.
    expect(audit.entries).toHaveLength(WRITERS + 1);
    expect(new Set(audit.entries.map((entry) => entry.idempotencyKey)).size).toBe(WRITERS + 1);
  }, 240_000);
});
