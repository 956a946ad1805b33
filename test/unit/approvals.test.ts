import { describe, expect, it } from 'vitest';
import {
  approve,
  DEFAULT_APPROVAL_EXPIRY_DAYS,
  effectiveStatus,
  expirySecondsOf,
  markApplied,
  markExpired,
  newApprovalRequest,
  reject,
  requiredForPoints,
  type ApprovalRequest,
  type OperatorRef,
} from '../../functions/domain/approvals.ts';
import { decideAdjustment, mayRequestAdjustment } from '../../functions/domain/decisions/adjustment.ts';
import { expiryAfterDays } from '../../functions/domain/time.ts';
import { partnerTransactionView } from '../../functions/domain/views.ts';
import { account, config, ctx } from '../support/domain-fixtures.ts';

const NOW = '2026-06-01T12:00:00.000Z';
const requester: OperatorRef = { id: 'op-req', role: 'tenant_admin' };
const admin = (n: number): OperatorRef => ({ id: `op-admin-${n}`, role: 'tenant_admin' });
const platform: OperatorRef = { id: 'op-platform', role: 'platform_admin' };

function request(points: number): ApprovalRequest {
  return newApprovalRequest({
    tenantId: 't1',
    approvalId: 'ap-1',
    kind: 'adjustment',
    requestedBy: requester,
    now: NOW,
    expirySeconds: expirySecondsOf(DEFAULT_APPROVAL_EXPIRY_DAYS),
    required: requiredForPoints(points),
    action: { accountId: 'a1', points },
  });
}

/** Applies approvals in turn; a refusal stops with its code. */
function approveAll(start: ApprovalRequest, approvers: OperatorRef[]): ApprovalRequest | string {
  let current = start;
  for (const approver of approvers) {
    const next = approve(current, approver, NOW);
    if ('ok' in next) return next.code;
    current = next;
  }
  return current;
}

describe('approval thresholds (SPEC section 10)', () => {
  it.each([
    [50, { tenant_admin: 1, platform_admin: 0 }],
    [-100, { tenant_admin: 1, platform_admin: 0 }],
    [101, { tenant_admin: 2, platform_admin: 0 }],
    [-500, { tenant_admin: 2, platform_admin: 0 }],
    [501, { tenant_admin: 2, platform_admin: 1 }],
    [-1000, { tenant_admin: 2, platform_admin: 1 }],
  ])('%i points need %o', (points, required) => expect(requiredForPoints(points)).toEqual(required));
});

describe('approving', () => {
  it('50 points: one other tenant admin approves it; the requester may not', () => {
    expect(approve(request(50), requester, NOW)).toMatchObject({ ok: false, code: 'approver_not_allowed' });
    expect(approveAll(request(50), [admin(1)])).toMatchObject({ status: 'approved', approvals: [{ by: admin(1), as: 'tenant_admin' }] });
  });

  it('300 points: two distinct tenant admins; the same one twice is refused', () => {
    const once = approveAll(request(300), [admin(1)]) as ApprovalRequest;
    expect(once.status).toBe('pending');
    expect(approve(once, admin(1), NOW)).toMatchObject({ ok: false, code: 'already_approved' });
    expect(approveAll(once, [admin(2)])).toMatchObject({ status: 'approved' });
  });

  it('1000 points: two tenant admins and a platform admin, in any order; a third tenant admin is not needed', () => {
    expect(approveAll(request(1000), [admin(1), admin(2)])).toMatchObject({ status: 'pending' });
    expect(approveAll(request(1000), [admin(1), admin(2), admin(3)])).toBe('approver_not_needed');
    expect(approveAll(request(1000), [platform, admin(1), admin(2)])).toMatchObject({ status: 'approved' });
  });

  it('a platform admin fills a tenant admin slot when none of theirs is open', () => {
    expect(approveAll(request(300), [platform, admin(1)])).toMatchObject({
      status: 'approved',
      approvals: [{ as: 'tenant_admin' }, { as: 'tenant_admin' }],
    });
  });

  it('support and finance never approve', () => {
    expect(approve(request(50), { id: 's', role: 'support' }, NOW)).toMatchObject({ code: 'approver_not_needed' });
    expect(approve(request(50), { id: 'f', role: 'finance' }, NOW)).toMatchObject({ code: 'approver_not_needed' });
  });
});

describe('ending', () => {
  it('one rejection ends it: no approval lands after', () => {
    const rejected = reject(request(300), admin(1), NOW, 'not_justified') as ApprovalRequest;
    expect(rejected).toMatchObject({ status: 'rejected', rejection: { by: admin(1), reasonCode: 'not_justified' } });
    expect(approve(rejected, admin(2), NOW)).toMatchObject({ code: 'approval_not_pending' });
    expect(reject(rejected, admin(2), NOW, 'other')).toMatchObject({ code: 'approval_not_pending' });
  });

  it('a pending request past its expiry is expired and takes no decision', () => {
    const late = '2026-06-08T12:00:00.000Z';
    expect(effectiveStatus(request(50), late)).toBe('expired');
    expect(approve(request(50), admin(1), late)).toMatchObject({ code: 'approval_expired' });
    expect(markExpired(request(50), late)).toMatchObject({ status: 'expired', version: 2 });
    // A second before, it is still open, and marking it expired changes nothing.
    expect(markExpired(request(50), '2026-06-08T11:59:59.000Z')).toEqual(request(50));
  });

  it('only an approved request is applied, once', () => {
    expect(markApplied(request(50), 'tx-1', NOW)).toMatchObject({ code: 'approval_not_pending' });
    const approved = approveAll(request(50), [admin(1)]) as ApprovalRequest;
    const applied = markApplied(approved, 'tx-1', NOW) as ApprovalRequest;
    expect(applied).toMatchObject({ status: 'applied', outcome: { transactionId: 'tx-1' } });
    expect(markApplied(applied, 'tx-2', NOW)).toBe(applied);
  });
});

describe('adjustments', () => {
  const operator = ctx({ actor: { kind: 'operator', id: 'op-admin-1', role: 'tenant_admin' }, idempotencyNamespace: 'operator' });
  const action = (points: number) => ({ accountId: 'a1', points, reasonCode: 'goodwill' as const, ticket: 'SUP-1', note: 'private' });

  it('a credit makes an adjustment lot that lives 365 days, and one ADJUSTMENT entry carrying reason, ticket, note and approval', () => {
    const decided = decideAdjustment(account(), action(50), 'ap-1', config, operator);
    expect(decided.ok).toBe(true);
    if (!decided.ok) return;
    const [entry] = decided.entries;
    expect(entry).toMatchObject({
      type: 'ADJUSTMENT',
      amount: 50,
      reasonCode: 'goodwill',
      adjustment: { approvalId: 'ap-1', ticket: 'SUP-1', note: 'private' },
      lots: [{ type: 'adjustment', points: 50 }],
    });
    expect(entry!.lots[0]!.expiresAt.slice(0, 10)).toBe(expiryAfterDays(NOW, 365, config.timeZone).slice(0, 10));
    expect(JSON.stringify(partnerTransactionView(entry!))).not.toMatch(/SUP-1|private|ap-1/);
  });

  it('a debit takes lots in spend order and leaves the rest as debt (a clawback)', () => {
    const funded = decideAdjustment(account(), action(80), 'ap-1', config, operator);
    if (!funded.ok) throw new Error('funding refused');
    const debited = decideAdjustment(funded.accounts[0]!.next, action(-200), 'ap-2', config, ctx({ ...operator, transactionId: 'tx-2' }));
    expect(debited.ok && debited.accounts[0]!.next.wallets.points).toMatchObject({ balance: -120, debt: 120 });
    expect(debited.ok && debited.entries[0]).toMatchObject({ amount: -200, debtAfter: 120, lots: [{ type: 'adjustment', points: 80 }] });
  });

  it('support may request service credits up to 100 points; admins anything', () => {
    const credit = (points: number, reasonCode: 'service_credit' | 'goodwill' = 'service_credit') => ({ ...action(points), reasonCode });
    expect(mayRequestAdjustment(['support'], credit(100))).toBe(true);
    expect(mayRequestAdjustment(['support'], credit(101))).toBe(false);
    expect(mayRequestAdjustment(['support'], credit(-10))).toBe(false);
    expect(mayRequestAdjustment(['support'], credit(10, 'goodwill'))).toBe(false);
    expect(mayRequestAdjustment(['finance'], credit(10))).toBe(false);
    expect(mayRequestAdjustment(['tenant_admin'], credit(-5000, 'goodwill'))).toBe(true);
  });
});
