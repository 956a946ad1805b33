import { partnerTransactionView } from '../../domain/views.ts';
import { getAccount } from '../../store/accounts.ts';
import { queryLedgerPage } from '../../store/ledger-query.ts';
import { decodeCursor, encodeCursor } from '../http/cursor.ts';
import { httpHandler } from '../http/http-handler.ts';
import { listTransactionsRoute } from '../routes/list-transactions.ts';
import { ProblemError } from '../http/problem.ts';

const DEFAULT_PAGE_SIZE = 25;

export const handler = httpHandler(listTransactionsRoute, async ({ query, tenantId }) => {
  const account = await getAccount(tenantId, query.accountId);
  if (!account) throw new ProblemError('not_found', `Account ${query.accountId} does not exist`);
  const beforeSeq = query.cursor ? decodeCursor(query.cursor) : undefined;
  const limit = query.limit ? Number(query.limit) : DEFAULT_PAGE_SIZE;
  const page = await queryLedgerPage({
    tenantId,
    accountId: query.accountId,
    wallet: 'points',
    limit,
    ...(query.type ? { type: query.type } : {}),
    ...(query.from ? { from: new Date(query.from).toISOString() } : {}),
    ...(query.to ? { to: new Date(query.to).toISOString() } : {}),
    ...(beforeSeq !== undefined ? { beforeSeq } : {}),
  });
  // Fewer items than limit with a nextCursor means the read budget ran out first: keep going.
  return {
    status: 200,
    body: {
      items: page.entries.map(partnerTransactionView),
      ...(page.nextBeforeSeq !== undefined ? { nextCursor: encodeCursor(page.nextBeforeSeq) } : {}),
    },
  };
});
