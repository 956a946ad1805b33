import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pageChanges } from '../../functions/domain/lot-pages.ts';
import { PagesNeeded, availablePoints, creditWallet, debitWallet } from '../../functions/domain/lots.ts';
import type { Lot, Wallet } from '../../functions/domain/types.ts';
import { decideEarn, earnPageMonth } from '../../functions/domain/decisions/earn.ts';
import { accountToItem, decodePageSummary, encodePageSummary, itemToAccount } from '../../functions/store/items.ts';
import { itemBytes } from '../../bench/item-size.ts';
import { account, config, ctx, NOW as NOW_FIXTURE } from '../support/domain-fixtures.ts';

const NOW = '2026-06-10T12:00:00.000Z';
const lot = (expiresAt: string, remaining: number, type: Lot['type'] = 'purchase'): Lot => ({
  type,
  expiresAt,
  awardedAt: '2026-01-01T00:00:00.000Z',
  remaining,
});

/** A paged wallet: June (partly expired) loaded; July and September only in the summary. */
function paged(): Wallet {
  return {
    balance: 1000,
    held: 0,
    debt: 0,
    seq: 3,
    headHash: 'h',
    lots: [lot('2026-06-05T23:59:59.999Z', 100), lot('2026-06-20T23:59:59.999Z', 200)],
    pages: { '2026-06': { points: 300, version: 2 }, '2026-07': { points: 300, version: 1 }, '2026-09': { points: 400, version: 5 } },
    pastPoints: 0,
    loaded: ['2026-06'],
    partition: 'T#t#A#a',
  };
}

describe('lot pages', () => {
  it('counts availability from the summary and the loaded current month, never an expired lot', () => {
    expect(availablePoints(paged(), NOW)).toBe(200 + 300 + 400);
  });

  it('asks for every page a debit reaches in spend order, and no further', () => {
    const needed = (() => {
      try {
        debitWallet(paged(), 400, NOW, false);
      } catch (error) {
        return error;
      }
    })();
    expect(needed).toBeInstanceOf(PagesNeeded);
    expect((needed as PagesNeeded).months).toEqual(['2026-07']);
    expect((needed as PagesNeeded).partition).toBe('T#t#A#a');
  });

  it('asks for the page an earn merges into when the summary names it', () => {
    expect(() => creditWallet(paged(), { points: 5, type: 'purchase', expiresAt: '2026-09-01T23:59:59.999Z', awardedAt: NOW })).toThrow(
      PagesNeeded,
    );
  });

  it('writes only the changed pages, each guarded by the version read, and folds months already over', () => {
    const before: Wallet = { ...paged(), pages: { ...paged().pages, '2026-05': { points: 50, version: 3 } } };
    const debit = debitWallet(before, 150, NOW, false);
    const { wallet, pages } = pageChanges(before, debit.wallet, NOW);
    expect(pages).toEqual([
      {
        month: '2026-06',
        lots: [lot('2026-06-05T23:59:59.999Z', 100), lot('2026-06-20T23:59:59.999Z', 50)],
        expectedVersion: 2,
        version: 3,
      },
    ]);
    expect(wallet.pages).toEqual({
      '2026-06': { points: 150, version: 3 },
      '2026-07': { points: 300, version: 1 },
      '2026-09': { points: 400, version: 5 },
    });
    expect(wallet.pastPoints).toBe(50);
  });

  it('moves a wallet stored before pages into new pages at its first change', () => {
    const inline: Wallet = { balance: 30, held: 0, debt: 0, seq: 1, headHash: 'h', lots: [lot('2026-08-01T23:59:59.999Z', 30)] };
    const credit = creditWallet(inline, { points: 10, type: 'bonus', expiresAt: '2026-09-02T23:59:59.999Z', awardedAt: NOW });
    const { wallet, pages } = pageChanges(inline, credit.wallet, NOW);
    expect(pages.map((page) => [page.month, page.expectedVersion, page.version])).toEqual([
      ['2026-08', null, 1],
      ['2026-09', null, 1],
    ]);
    expect(wallet.pages).toEqual({ '2026-08': { points: 30, version: 1 }, '2026-09': { points: 10, version: 1 } });
  });
});

describe('the page summary as stored', () => {
  it('round-trips through its compact string and reads the earlier map form as it is', () => {
    const wallet = paged();
    const item = accountToItem(account({ wallets: { points: wallet } }));
    const stored = (item.wallets as { points: Record<string, unknown> }).points;
    expect(stored.pageSummary).toBe('2026-06 300:2 300:1 -1 400:5');
    expect(stored.pages).toBeUndefined();
    expect(itemToAccount(item).wallets.points.pages).toEqual(wallet.pages);
    const legacy = { ...item, wallets: { points: { ...stored, pageSummary: undefined, pages: wallet.pages } } };
    expect(itemToAccount(legacy).wallets.points.pages).toEqual(wallet.pages);
  });

  it('decodes what it encodes across years and gaps, at about a third of the map form', () => {
    const month = fc
      .integer({ min: 2020 * 12, max: 2040 * 12 })
      .map((i) => `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`);
    const page = fc.record({ points: fc.nat(), version: fc.integer({ min: 1, max: 1_000_000 }) });
    fc.assert(
      fc.property(fc.dictionary(month, page, { maxKeys: 130 }), (pages) => {
        expect(decodePageSummary(encodePageSummary(pages))).toEqual(pages);
      }),
    );
    const threeYears = Object.fromEntries(
      Array.from({ length: 36 }, (_, i) => [
        `${2027 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`,
        { points: 310_000, version: 1 },
      ]),
    );
    expect(itemBytes({ pageSummary: encodePageSummary(threeYears) }) * 2.5).toBeLessThan(itemBytes({ pages: threeYears }));
  });
});

describe('the page an earn credits', () => {
  it('is the month its points expire, by the rule in force, so the first read fetches it', () => {
    const request = { accountId: 'a', source: { type: 'purchase' as const, orderId: 'o', subtotalCents: 100 } };
    const decided = decideEarn(account(), undefined, request, config, ctx());
    expect(decided.ok).toBe(true);
    const written = decided.ok ? decided.accounts[0]!.pages!.map((page) => page.month) : [];
    expect(written).toEqual([earnPageMonth(request, config, NOW_FIXTURE)]);
  });

  it('is none when the decision will refuse before crediting', () => {
    const promotion = { accountId: 'a', source: { type: 'promotion' as const, campaignId: 'c', points: 5, expiresInDays: 100_000 } };
    expect(earnPageMonth(promotion, config, NOW_FIXTURE)).toBeUndefined();
  });
});
