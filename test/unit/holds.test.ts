import { describe, expect, it } from 'vitest';
import { GENESIS_HASH } from '../../functions/domain/hash-chain.ts';
import { heldPoints, reservationIntact, spendReserved, withHolds } from '../../functions/domain/holds.ts';
import { availablePoints, debitWallet, emptyWallet, reserveLots } from '../../functions/domain/lots.ts';
import type { HoldReservation, Lot, Wallet } from '../../functions/domain/types.ts';

/** Holds on the wallet (functions/domain/holds.ts): what they reserve, what other debits may take, what their commit spends. */
const NOW = '2026-06-01T12:00:00.000Z';
const IN_AN_HOUR = '2026-06-01T13:00:00.000Z';

const lot = (type: Lot['type'], expiresAt: string, remaining: number): Lot => ({
  type,
  expiresAt,
  awardedAt: '2026-01-01T00:00:00.000Z',
  remaining,
});
const SOON = lot('promotion', '2026-06-01T12:30:00.000Z', 100);
const JULY = lot('promotion', '2026-07-01T00:00:00.000Z', 100);
const NEXT_YEAR = lot('purchase', '2027-06-01T00:00:00.000Z', 100);

function walletWith(lots: Lot[], holds: HoldReservation[] = []): Wallet {
  const wallet = { ...emptyWallet(GENESIS_HASH), lots, balance: lots.reduce((sum, each) => sum + each.remaining, 0) };
  return withHolds(wallet, holds);
}

const hold = (redemptionId: string, points: number, from: Lot, expiresAt = IN_AN_HOUR): HoldReservation => ({
  redemptionId,
  points,
  expiresAt,
  lots: [{ type: from.type, expiresAt: from.expiresAt, points }],
});

describe('reserveLots', () => {
  const cases: { name: string; lots: Lot[]; holds?: HoldReservation[]; points: number; until: string; expected: unknown }[] = [
    {
      name: 'takes free points in spend order',
      lots: [NEXT_YEAR, JULY],
      points: 150,
      until: IN_AN_HOUR,
      expected: {
        ok: true,
        lots: [
          { type: 'promotion', expiresAt: JULY.expiresAt, points: 100 },
          { type: 'purchase', expiresAt: NEXT_YEAR.expiresAt, points: 50 },
        ],
      },
    },
    {
      name: 'skips a lot that expires before the hold ends',
      lots: [SOON, JULY],
      points: 100,
      until: IN_AN_HOUR,
      expected: { ok: true, lots: [{ type: 'promotion', expiresAt: JULY.expiresAt, points: 100 }] },
    },
    {
      name: 'skips what live holds reserve, and says how much it reaches when short',
      lots: [JULY, NEXT_YEAR],
      holds: [hold('h-1', 80, JULY), hold('h-2', 50, NEXT_YEAR)],
      points: 100,
      until: IN_AN_HOUR,
      expected: { ok: false, reachable: 70 },
    },
    {
      name: 'a hold past its end reserves nothing',
      lots: [JULY],
      holds: [hold('h-old', 100, JULY, NOW)],
      points: 100,
      until: IN_AN_HOUR,
      expected: { ok: true, lots: [{ type: 'promotion', expiresAt: JULY.expiresAt, points: 100 }] },
    },
  ];
  for (const c of cases) {
    it(c.name, () => expect(reserveLots(walletWith(c.lots, c.holds), c.points, NOW, c.until)).toEqual(c.expected));
  }
});

describe('other debits and holds', () => {
  it('a redemption takes free points only; available and held count live holds', () => {
    const wallet = walletWith([JULY, NEXT_YEAR], [hold('h-1', 100, JULY)]);
    expect(heldPoints(wallet, NOW)).toBe(100);
    expect(availablePoints(wallet, NOW)).toBe(100);
    expect(debitWallet(wallet, 100, NOW, false).consumed).toEqual([{ type: 'purchase', expiresAt: NEXT_YEAR.expiresAt, points: 100 }]);
    expect(() => debitWallet(wallet, 101, NOW, false)).toThrow(/shortfall/);
  });

  it('a clawback takes free points, then reserved ones, and only then makes debt; held then counts what is left', () => {
    const wallet = walletWith([JULY, NEXT_YEAR], [hold('h-1', 100, JULY)]);
    const clawed = debitWallet(wallet, 250, NOW, true);
    expect(clawed.consumed).toEqual([
      { type: 'promotion', expiresAt: JULY.expiresAt, points: 100 },
      { type: 'purchase', expiresAt: NEXT_YEAR.expiresAt, points: 100 },
    ]);
    expect(clawed.debtAdded).toBe(50);
    expect(heldPoints(clawed.wallet, NOW)).toBe(0);
    expect(reservationIntact(clawed.wallet, clawed.wallet.holds![0]!)).toBe(false);
    const partly = debitWallet(wallet, 150, NOW, true).wallet;
    expect(heldPoints(partly, NOW)).toBe(50);
    expect(reservationIntact(partly, partly.holds![0]!)).toBe(false);
  });

  it("the commit spends exactly the hold's lots and leaves the others' holds", () => {
    const first = hold('h-1', 60, JULY);
    const second = hold('h-2', 40, JULY);
    const wallet = walletWith([JULY, NEXT_YEAR], [first, second]);
    expect(reservationIntact(wallet, first)).toBe(true);
    const spent = spendReserved(wallet, first);
    expect(spent.lots).toEqual([{ ...JULY, remaining: 40 }, NEXT_YEAR]);
    expect(spent.balance).toBe(140);
    expect(spent.holds).toEqual([second]);
    expect(spent.held).toBe(40);
    expect(availablePoints(spent, NOW)).toBe(100);
  });
});

describe('a clawback on paged lots', () => {
  it('reads the page with free points before it would take reserved ones', () => {
    // July's lots are loaded and reserved; next year's page (free points) is not loaded.
    const wallet: Wallet = {
      ...walletWith([JULY], [hold('h-1', 100, JULY)]),
      pages: { '2026-07': { points: 100, version: 1 }, '2027-06': { points: 100, version: 1 } },
      loaded: ['2026-07'],
    };
    expect(() => debitWallet(wallet, 50, NOW, true)).toThrow(/lot pages not loaded: 2027-06/);
  });
});
