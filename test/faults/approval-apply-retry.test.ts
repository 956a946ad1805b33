import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDocumentClient } from '../../functions/store/client.ts';
import { applyApproval, applyKey } from '../../functions/usecases/apply-approval.ts';
import { allLedgerEntries, auditAccount } from '../support/ledger-audit.ts';
import { operatorClient, partnerClient, startLocalApi, type LocalApi, type PartnerClient } from '../support/local-api.ts';
import { beforeTransactionNaming, watchTransactionsNaming } from '../support/stage-before-transaction.ts';
import { auditTenant } from '../support/table-audit.ts';

/**
 * The Approval workflow's ApplyApproval step against crashes, on DynamoDB Local with the local
 * Step Functions running the deployed definition: the step's commit lands but the step fails
 * (the Lambda killed before it answered), so the state's Retry runs it again; or the step is
 * delivered more than once. Either way the adjustment is applied once, under the request's
 * own idempotency key, and every delivery answers with the one transaction.
 */
let api: LocalApi;
let tenantId: string;
let partner: PartnerClient;
type Operator = ReturnType<typeof operatorClient>;
let requester: Operator;
let approver: Operator;

beforeAll(async () => {
  // The killed step is logged as an error by design; keep the output to that.
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  api = await startLocalApi();
  const tenant = await api.newTenant();
  tenantId = tenant.tenantId;
  partner = partnerClient(api.baseUrl, tenant.partnerKey);
  const operator = async (subject: string) =>
    operatorClient(api.baseUrl, await api.operatorIssuer.mint({ subject, roles: ['tenant_admin'], tenantId }));
  requester = await operator('fault-admin-1');
  approver = await operator('fault-admin-2');
});
afterAll(async () => {
  if (tenantId) expect((await auditTenant(tenantId)).violations).toEqual([]);
  await api?.close();
});

const base = () => `/api/v1/admin/tenants/${tenantId}`;

async function account(accountId: string, points: number) {
  expect((await partner.putAccount(accountId)).status).toBe(201);
  expect((await partner.earn({ accountId, source: { type: 'bonus', campaignId: 'fund', points } })).status).toBe(201);
}

async function requestAdjustment(accountId: string, points: number): Promise<string> {
  const body = { accountId, points, reasonCode: points > 0 ? 'goodwill' : 'fraud_recovery', ticket: 'SUP-9', note: 'fault test' };
  const requested = await requester.call('POST', `${base()}/adjustments`, body);
  expect(requested.status).toBe(202);
  return requested.body.approvalId;
}

function executionOf(approvalId: string) {
  const execution = [...api.workflows.executions.values()].find((run) => run.name === `adjustment-${approvalId}`);
  if (!execution) throw new Error(`no Approval execution for ${approvalId}`);
  return execution;
}

/** The request's marker in a transaction: the idempotency record of the step's own key (namespace 'system'). */
const markerOf = (approvalId: string) => `IDEM~SYS#${applyKey(approvalId)}`;

/** What a killed invocation looks like to Step Functions: an error instead of the answer (States.ALL matches it). */
const killed = () => Object.assign(new Error('injected: the function was killed after its commit, before it answered'), { name: 'Killed' });

async function adjustmentEntries(accountId: string) {
  return (await allLedgerEntries(tenantId, accountId)).filter((entry) => entry.type === 'ADJUSTMENT');
}

async function expectBooksBalance(accountId: string, balance: number) {
  expect((await partner.balance(accountId)).body.balance).toBe(balance);
  const audit = await auditAccount(tenantId, accountId);
  expect({ balance: audit.balance, ledgerSum: audit.ledgerSum, lotsMinusDebt: audit.lotsMinusDebt }).toEqual({
    balance,
    ledgerSum: balance,
    lotsMinusDebt: balance,
  });
  expect(audit.chainBreak ?? undefined).toBeUndefined();
  expect(audit.headMatches).toBe(true);
}

describe('ApplyApproval after a crash', () => {
  it('the apply step killed after its commit is retried by the workflow and applies once', async () => {
    await account('killed', 1000);
    const approvalId = await requestAdjustment('killed', 50);
    const errorsBefore = api.taskErrors.length;
    const watch = watchTransactionsNaming(getDocumentClient(), markerOf(approvalId), { failAfterCommit: killed() });
    try {
      expect((await approver.call('POST', `${base()}/approvals/${approvalId}/approve`, {})).status).toBe(200);
      const execution = executionOf(approvalId);
      await execution.done;
      expect(execution.status).toBe('SUCCEEDED');

      // The first run committed and then died; the Retry ran the step again, which wrote nothing.
      expect(watch.failed()).toBe(true);
      expect(watch.commits()).toBe(1);
      const stepErrors = api.taskErrors.slice(errorsBefore).filter(({ state }) => state === 'ApplyApproval');
      expect(stepErrors.map(({ error }) => error.name)).toEqual(['Killed']);

      const shown = await requester.call('GET', `${base()}/approvals/${approvalId}`);
      expect(shown.body.status).toBe('applied');
      const entries = await adjustmentEntries('killed');
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({ amount: 50, adjustment: { approvalId } });
      expect(shown.body.outcome.transactionId).toBe(entries[0]!.transactionId);
      const output = JSON.parse(execution.output!) as { outcome: { status: string; transactionId: string } };
      expect(output.outcome).toEqual({ status: 'applied', transactionId: entries[0]!.transactionId });
      await expectBooksBalance('killed', 1050);
    } finally {
      watch.remove();
    }
  });

  it('a redelivered step (applyApproval called again, concurrently and after) answers the one transaction and writes once', async () => {
    await account('redelivered', 30);
    const approvalId = await requestAdjustment('redelivered', -80);
    const client = getDocumentClient();
    const watch = watchTransactionsNaming(client, markerOf(approvalId));
    // Just before the workflow's own step commits, two more deliveries of the step run to the end.
    let direct: { status: 'applied'; transactionId: string }[] = [];
    const staged = beforeTransactionNaming(client, markerOf(approvalId), async () => {
      direct = await Promise.all([applyApproval(tenantId, approvalId), applyApproval(tenantId, approvalId)]);
    });
    try {
      expect((await approver.call('POST', `${base()}/approvals/${approvalId}/approve`, {})).status).toBe(200);
      const execution = executionOf(approvalId);
      await execution.done;
      expect(execution.status).toBe('SUCCEEDED');
      expect(staged.fired()).toBe(true);
      const later = await applyApproval(tenantId, approvalId);

      const entries = await adjustmentEntries('redelivered');
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({ amount: -80, adjustment: { approvalId } });
      const { transactionId } = entries[0]!;
      const workflow = (JSON.parse(execution.output!) as { outcome: { status: string; transactionId: string } }).outcome;
      expect([...direct, later, workflow]).toEqual(Array(4).fill({ status: 'applied', transactionId }));
      // The workflow's step and at least one direct delivery sent their transaction; one committed.
      expect(watch.commits()).toBe(1);
      expect(watch.attempts()).toBeGreaterThanOrEqual(2);
      expect((await requester.call('GET', `${base()}/approvals/${approvalId}`)).body.outcome.transactionId).toBe(transactionId);
      await expectBooksBalance('redelivered', -50);
      expect((await partner.balance('redelivered')).body.debt).toBe(50);
    } finally {
      staged.remove();
      watch.remove();
    }
  });
});
