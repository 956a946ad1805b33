import { getAccount } from '../../../store/accounts.ts';
import { queryLedgerPage } from '../../../store/ledger-query.ts';
import { ProblemError } from '../../http/problem.ts';
import { decodeCursor, encodeCursor } from '../../http/cursor.ts';
import { httpHandler } from '../../http/http-handler.ts';
import { getAccountLedgerRoute } from '../../routes/admin/get-account-ledger.ts';

const DEFAULT_PAGE_SIZE = 50;

/** The operator's view of a ledger: every field, operator-only ones included. */
export const handler = httpHandler(getAccountLedgerRoute, async ({ tenantId, params, query }) => {
  if (!(await getAccount(tenantId, params.accountId))) throw new ProblemError('not_found', `Account ${params.accountId} does not exist`);
  const beforeSeq = query.cursor ? decodeCursor(query.cursor) : undefined;
  const page = await queryLedgerPage({
    tenantId,
    accountId: params.accountId,
    wallet: 'points',
    limit: query.limit ? Number(query.limit) : DEFAULT_PAGE_SIZE,
    ...(beforeSeq !== undefined ? { beforeSeq } : {}),
  });
  return {
    status: 200,
    body: { items: page.entries, ...(page.nextBeforeSeq !== undefined ? { nextCursor: encodeCursor(page.nextBeforeSeq) } : {}) },
  };
});
