import { describe, expect, it } from 'vitest';
import { availablePoints, creditWallet, debitWallet, emptyWallet } from '../../functions/domain/lots.ts';
import { GENESIS_HASH } from '../../functions/domain/hash-chain.ts';
import type { Lot, Wallet } from '../../functions/domain/types.ts';

const NOW = '2026-06-01T12:00:00.000Z';

function walletWith(lots: Lot[], debt = 0): Wallet {
  const sum = lots.reduce((total, lot) => total + lot.remaining, 0);
  return { ...emptyWallet(GENESIS_HASH), lots, debt, balance: sum - debt };
}

const lot = (type: Lot['type'], expiresAt: string, awardedAt: string, remaining: number): Lot => ({
  type,
  expiresAt,
  awardedAt,
  remaining,
});

describe('debitWallet: spend order', () => {
  const cases: { name: string; lots: Lot[]; debit: number; takes: [string, number][] }[] = [
    {
      name: 'spends the earliest-expiring lot first',
      lots: [
        lot('purchase', '2027-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', 100),
        lot('promotion', '2026-07-01T00:00:00.000Z', '2026-05-01T00:00:00.000Z', 50),
      ],
      debit: 70,
      takes: [
        ['promotion', 50],
        ['purchase', 20],
      ],
    },
    {
      name: 'breaks expiry ties by award time (FIFO)',
      lots: [
        lot('bonus', '2027-01-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z', 10),
        lot('purchase', '2027-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z', 10),
      ],
      debit: 15,
      takes: [
        ['purchase', 10],
        ['bonus', 5],
      ],
    },
    {
      name: 'never touches an expired lot',
      lots: [
        lot('purchase', '2026-05-31T23:59:59.999Z', '2025-05-31T00:00:00.000Z', 500),
        lot('bonus', '2026-12-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', 40),
      ],
      debit: 40,
      takes: [['bonus', 40]],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const result = debitWallet(walletWith(c.lots), c.debit, NOW, false);
      expect(result.consumed.map((m) => [m.type, m.points])).toEqual(c.takes);
      expect(result.wallet.balance).toBe(walletWith(c.lots).balance - c.debit);
    });
  }

  it('refuses to overdraw unless debt is allowed, and then records the shortfall as debt', () => {
    const wallet = walletWith([lot('purchase', '2027-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', 100)]);
    expect(() => debitWallet(wallet, 150, NOW, false)).toThrow();
    const result = debitWallet(wallet, 150, NOW, true);
    expect(result.wallet).toMatchObject({ balance: -50, debt: 50, lots: [] });
    expect(result.debtAdded).toBe(50);
  });
});

describe('creditWallet: paydown and lots', () => {
  it('pays debt first (balance -300, then earn 120, gives -180)', () => {
    const wallet = walletWith([], 300);
    const result = creditWallet(wallet, { points: 120, type: 'purchase', expiresAt: '2027-01-01T00:00:00.000Z', awardedAt: NOW });
    expect(result.wallet).toMatchObject({ balance: -180, debt: 180, lots: [] });
    expect(result.debtPaid).toBe(120);
    expect(result.movement).toBeUndefined();
  });

  it('puts what is left after the debt into a lot', () => {
    const result = creditWallet(walletWith([], 30), { points: 100, type: 'bonus', expiresAt: '2027-01-01T00:00:00.000Z', awardedAt: NOW });
    expect(result.wallet).toMatchObject({ balance: 70, debt: 0 });
    expect(result.wallet.lots).toEqual([lot('bonus', '2027-01-01T00:00:00.000Z', NOW, 70)]);
  });

  it('merges lots of the same type and expiry, keeping the first award time', () => {
    const first = lot('purchase', '2027-01-01T04:59:59.999Z', '2026-01-01T00:00:00.000Z', 10);
    const result = creditWallet(walletWith([first]), { points: 5, type: 'purchase', expiresAt: first.expiresAt, awardedAt: NOW });
    expect(result.wallet.lots).toEqual([{ ...first, remaining: 15 }]);
  });
});

describe('availablePoints', () => {
  it('excludes expired lots and holds, and is zero while in debt', () => {
    const lots = [
      lot('purchase', '2026-05-01T00:00:00.000Z', '2025-05-01T00:00:00.000Z', 100),
      lot('bonus', '2027-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', 60),
    ];
    const hold = {
      redemptionId: 'r-1',
      points: 10,
      expiresAt: '2026-12-01T00:00:00.000Z',
      lots: [{ type: 'bonus' as const, expiresAt: '2027-01-01T00:00:00.000Z', points: 10 }],
    };
    expect(availablePoints({ ...walletWith(lots), held: 10, holds: [hold] }, NOW)).toBe(50);
    // A hold past its end reserves nothing, whether or not it has been tidied away.
    expect(availablePoints({ ...walletWith(lots), held: 10, holds: [{ ...hold, expiresAt: NOW }] }, NOW)).toBe(60);
    expect(availablePoints(walletWith(lots, 1), NOW)).toBe(0);
  });
});
