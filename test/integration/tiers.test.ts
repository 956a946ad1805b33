import { randomBytes } from 'node:crypto';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { auditRecordsOf } from '../../functions/audit/records.ts';
import { getDocumentClient, tableName } from '../../functions/store/client.ts';
import { accountPartition, keys } from '../../functions/store/keys.ts';
import { itemsOfTenant, snapshotTable } from '../support/table-snapshot.ts';
import { TIERS } from '../support/tier-fixtures.ts';
import { operatorClient, partnerClient, startLocalApi, type LocalApi, type PartnerClient } from '../support/local-api.ts';

/**
 * Tier qualification end to end on DynamoDB Local (issue 12, item 4): an earn reaching a
 * threshold upgrades at once and records a `tier.changed` event that operators see and partners
 * do not; the next earn takes the new multiplier; a downgrade waits for the period end, shows in
 * views from then on and is recorded by the next write; the tier's cap refuses an over-cap
 * redemption and writes nothing. The handlers run in this process: their clock is moved with
 * fake Dates (operator calls go back to real time, where their tokens are valid).
 */

let api: LocalApi;
let tenantId: string;
let partner: PartnerClient;
let admin: ReturnType<typeof operatorClient>;

beforeAll(async () => {
  api = await startLocalApi();
  tenantId = `tiers-${randomBytes(4).toString('hex')}`;
  const platform = operatorClient(api.baseUrl, await api.operatorToken(['platform_admin']));
  // Its first version applies from the epoch: qualification on, a window of 2 UTC months, monthly reviews.
  const created = await platform.call('POST', '/api/v1/admin/tenants', {
    tenantId,
    displayName: 'Tiers',
    config: { tiers: TIERS, tierQualification: { enabled: true, windowMonths: 2, period: 'month' } },
  });
  expect(created.status).toBe(201);
  const key = await platform.call('POST', `/api/v1/admin/tenants/${tenantId}/keys`, { scopes: ['accounts', 'earn', 'redeem', 'read'] });
  expect(key.status).toBe(201);
  partner = partnerClient(api.baseUrl, key.body.key);
  admin = await api.operator('tiers-admin', ['tenant_admin'], tenantId);
});
afterAll(() => api?.close());
afterEach(() => vi.useRealTimers());

let orders = 0;
const purchase = (accountId: string, subtotalCents: number) =>
  partner.earn({ accountId, source: { type: 'purchase', orderId: `tier-${accountId}-${++orders}`, subtotalCents } });
const operatorLedger = (accountId: string) => admin.call('GET', `/api/v1/admin/tenants/${tenantId}/accounts/${accountId}/ledger`);
const tierEvents = async (accountId: string) => {
  const ledger = await operatorLedger(accountId);
  expect(ledger.status).toBe(200);
  return (ledger.body.events as { type: string }[]).filter((event) => event.type === 'tier.changed');
};
const storedAccount = async (accountId: string) =>
  (await getDocumentClient().send(new GetCommand({ TableName: tableName(), Key: keys.account(tenantId, accountId), ConsistentRead: true })))
    .Item!;
/** The first instant of the UTC month `n` months after the one of `at`. */
const monthStart = (at: number, n: number) => {
  const d = new Date(at);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1);
};

describe('tier qualification through the API', () => {
  it('an earn reaching a threshold upgrades at once, recorded for operators only; the next earn takes the new multiplier', async () => {
    expect((await partner.putAccount('tier-up')).body).toMatchObject({ tier: 'Guest' });
    // 100.00 USD at 12 points per USD, Guest 1x: 1200 qualifying points reach Member (1000).
    const first = await purchase('tier-up', 10_000);
    expect(first.status).toBe(201);
    expect(first.body.points).toBe(1200);
    expect((await partner.getAccount('tier-up')).body.tier).toBe('Member');
    // Member earns 1.5x.
    const second = await purchase('tier-up', 10_000);
    expect(second.body.points).toBe(1800);

    const events = await tierEvents('tier-up');
    expect(events).toEqual([
      expect.objectContaining({
        type: 'tier.changed',
        pointsSeq: 1,
        actor: { kind: 'system', id: 'tier-qualification' },
        tier: { from: 'Guest', to: 'Member', cause: 'qualification', effectiveAt: expect.any(String), qualifyingPoints: 1200 },
      }),
    ]);
    // The operator's ledger shows the price each earn was made at.
    const ledger = await operatorLedger('tier-up');
    expect(ledger.body.items.map((entry: { pricing: { tier: string } }) => entry.pricing.tier)).toEqual(['Member', 'Guest']);

    // Partners see the tier, never the event nor the qualification state.
    const partnerViews = [await partner.getAccount('tier-up'), await partner.transactions('accountId=tier-up')];
    for (const view of partnerViews) {
      expect(view.status).toBe(200);
      expect(JSON.stringify(view.body)).not.toMatch(/tier\.changed|tierStatus|qualif|pricing/);
    }

    // The event is an audit record of its own kind.
    const items = await getDocumentClient().send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :ev)',
        ExpressionAttributeValues: { ':pk': accountPartition(tenantId, 'tier-up'), ':ev': 'EV#' },
      }),
    );
    const change = { eventName: 'INSERT' as const, sequenceNumber: '1', at: new Date().toISOString(), newImage: items.Items![0]! };
    expect(auditRecordsOf(change).records).toEqual([expect.objectContaining({ kind: 'account.tier_changed', tenantId })]);
  });

  it('a downgrade takes effect only at the period end, shows from then on, and is recorded by the next write', async () => {
    expect((await partner.putAccount('tier-down')).status).toBe(201);
    const earnedAt = Date.now();
    // 500.00 USD: 6000 qualifying points, VIP Bronze (5000).
    expect((await purchase('tier-down', 50_000)).body.points).toBe(6000);
    expect((await partner.getAccount('tier-down')).body.tier).toBe('VIP Bronze');

    // The window is this month and the next; the review at the start of the month after them
    // still sees the points, the one a month later does not.
    const keptReview = monthStart(earnedAt, 2);
    const dropReview = monthStart(earnedAt, 3);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(keptReview + 86_400_000);
    expect((await partner.getAccount('tier-down')).body.tier).toBe('VIP Bronze');
    vi.setSystemTime(dropReview - 1);
    expect((await partner.getAccount('tier-down')).body.tier).toBe('VIP Bronze');
    vi.setSystemTime(dropReview);
    expect((await partner.getAccount('tier-down')).body.tier).toBe('Guest');

    // Nothing was written for it: the stored tier is still the last settled one.
    vi.setSystemTime(dropReview + 5 * 86_400_000);
    expect((await storedAccount('tier-down')).tier).toBe('VIP Bronze');
    expect((await partner.getAccount('tier-down')).body.tier).toBe('Guest');
    // The next write records it, effective at the period end; the earn is priced as Guest (1x).
    const writeAt = new Date().toISOString();
    const earn = await purchase('tier-down', 1000);
    expect(earn.body.points).toBe(120);
    expect((await storedAccount('tier-down')).tier).toBe('Guest');

    vi.useRealTimers();
    // Newest first: the downgrade, recorded by the late earn, and the upgrade the first earn made.
    expect(await tierEvents('tier-down')).toEqual([
      expect.objectContaining({
        at: writeAt,
        pointsSeq: 1,
        tier: {
          from: 'VIP Bronze',
          to: 'Guest',
          cause: 'period_end',
          effectiveAt: new Date(dropReview).toISOString(),
          qualifyingPoints: 0,
        },
      }),
      expect.objectContaining({ pointsSeq: 1, tier: expect.objectContaining({ from: 'Guest', to: 'VIP Bronze', cause: 'qualification' }) }),
    ]);
  });

  it('a partner-set tier applies at once, is recorded with cause partner, and a period end does not go below it', async () => {
    expect((await partner.putAccount('tier-partner')).status).toBe(201);
    const set = await partner.putAccount('tier-partner', { profile: { profileId: 'p-tier-partner', role: 'CONSUMER' }, tier: 'VIP Gold' });
    expect(set.status).toBe(200);
    expect(set.body.tier).toBe('VIP Gold');
    expect(await tierEvents('tier-partner')).toEqual([
      expect.objectContaining({
        actor: expect.objectContaining({ kind: 'partner' }),
        tier: expect.objectContaining({ from: 'Guest', to: 'VIP Gold', cause: 'partner' }),
      }),
    ]);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(monthStart(Date.now(), 12));
    expect((await partner.getAccount('tier-partner')).body.tier).toBe('VIP Gold');
  });

  it('the tier cap refuses an over-cap redemption with discount_above_cap and changes nothing', async () => {
    const profile = { profileId: 'p-tier-cap', role: 'CONSUMER' };
    expect((await partner.putAccount('tier-cap', { profile, tier: 'VIP Bronze' })).status).toBe(201);
    // Bonus points do not qualify here (only purchases do): the account stays VIP Bronze, capped at 50%.
    const bonus = await partner.earn({ accountId: 'tier-cap', source: { type: 'bonus', campaignId: 'welcome', points: 100_000 } });
    expect(bonus.status).toBe(201);

    const before = itemsOfTenant(await snapshotTable(), tenantId);
    const refused = await partner.redeem({ accountId: 'tier-cap', points: 60_000, orderId: 'cap-1', subtotalCents: 10_000 });
    expect(refused.status).toBe(422);
    expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(refused.body).toMatchObject({ code: 'discount_above_cap', maxDiscountCents: 5000, maxPoints: 50_000, maxDiscountPercent: 50 });
    expect(itemsOfTenant(await snapshotTable(), tenantId)).toEqual(before);

    // At the cap it redeems; without a subtotal there is no cap to apply.
    const atCap = await partner.redeem({ accountId: 'tier-cap', points: 50_000, orderId: 'cap-1', subtotalCents: 10_000 });
    expect(atCap.status).toBe(201);
    expect(atCap.body).toMatchObject({ points: 50_000, discountCents: 5000, balance: 50_000 });
    const uncapped = await partner.redeem({ accountId: 'tier-cap', points: 50_000, orderId: 'cap-2' });
    expect(uncapped.status).toBe(201);
  });

  it('the two-phase quote and hold apply the same cap; what passes it is held and commits', async () => {
    const profile = { profileId: 'p-tier-cap-2', role: 'CONSUMER' };
    expect((await partner.putAccount('tier-cap-2', { profile, tier: 'VIP Bronze' })).status).toBe(201);
    await partner.earn({ accountId: 'tier-cap-2', source: { type: 'bonus', campaignId: 'welcome', points: 100_000 } });
    const quote = await partner.quote({ accountId: 'tier-cap-2', points: 60_000, subtotalCents: 10_000 });
    expect(quote.status).toBe(422);
    expect(quote.body).toMatchObject({ code: 'discount_above_cap', maxPoints: 50_000 });
    expect((await partner.quote({ accountId: 'tier-cap-2', points: 50_000, subtotalCents: 10_000 })).body).toMatchObject({
      discountCents: 5000,
      available: 100_000,
    });

    const before = itemsOfTenant(await snapshotTable(), tenantId);
    const refused = await partner.hold({ accountId: 'tier-cap-2', points: 60_000, orderId: 'cap-hold', subtotalCents: 10_000 });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'discount_above_cap', maxDiscountCents: 5000 });
    expect(itemsOfTenant(await snapshotTable(), tenantId)).toEqual(before);
    const held = await partner.hold({ accountId: 'tier-cap-2', points: 50_000, orderId: 'cap-hold', subtotalCents: 10_000 });
    expect(held.status).toBe(201);
    expect((await partner.commitHold(held.body.redemptionId)).body).toMatchObject({ status: 'committed', discountCents: 5000 });
  });
});
