import { queryAccountEvents } from '../../../store/account-events.ts';
import { getAccount } from '../../../store/accounts.ts';
import { queryLedgerPage } from '../../../store/ledger-query.ts';
import { ProblemError } from '../../http/problem.ts';
import { decodeCursor, encodeCursor } from '../../http/cursor.ts';
import { httpHandler } from '../../http/http-handler.ts';
import { getAccountLedgerRoute } from '../../routes/admin/get-account-ledger.ts';

const DEFAULT_PAGE_SIZE = 50;

/** The operator's view of a ledger: every field, operator-only ones included, and the operator actions between the entries. */
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
  // The events between this page's entries: after its oldest (from the very start on the last
  // page) and before the entry the cursor names (no bound on the first page).
  const oldest = page.entries.at(-1);
  const events = await queryAccountEvents(tenantId, params.accountId, {
    ...(page.nextBeforeSeq !== undefined && oldest ? { fromSeq: oldest.seq } : {}),
    ...(beforeSeq !== undefined ? { toSeq: beforeSeq - 1 } : {}),
  });
  return {
    status: 200,
    body: {
      items: page.entries,
      events,
      ...(page.nextBeforeSeq !== undefined ? { nextCursor: encodeCursor(page.nextBeforeSeq) } : {}),
    },
  };
});
