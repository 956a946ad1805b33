import { describe, expect, it } from 'vitest';
import {
  approve,
  effectiveStatus,
  markApplied,
  reject,
  requiredForPoints,
  type ApprovalRequest,
  type OperatorRef,
} from '../../functions/domain/approvals.ts';

const NOW = '2026-06-01T12:00:00.000Z';
const requester: OperatorRef = { id: 'op-req', role: 'tenant_admin' };
const admin = (n: number): OperatorRef => ({ id: `op-admin-${n}`, role: 'tenant_admin' });
const platform: OperatorRef = { id: 'op-platform', role: 'platform_admin' };

function request(points: number): ApprovalRequest {
  return {
    tenantId: 't1',
    approvalId: 'ap-1',
    kind: 'adjustment',
    status: 'pending',
    requestedBy: requester,
    requestedAt: NOW,
    expiresAt: '2026-06-08T12:00:00.000Z',
    required: requiredForPoints(points),
    approvals: [],
    action: { accountId: 'a1', points },
    version: 1,
  };
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
  });

  it('only an approved request is applied, once', () => {
    expect(markApplied(request(50), 'tx-1', NOW)).toMatchObject({ code: 'approval_not_pending' });
    const approved = approveAll(request(50), [admin(1)]) as ApprovalRequest;
    const applied = markApplied(approved, 'tx-1', NOW) as ApprovalRequest;
    expect(applied).toMatchObject({ status: 'applied', outcome: { transactionId: 'tx-1' } });
    expect(markApplied(applied, 'tx-2', NOW)).toBe(applied);
  });
});
