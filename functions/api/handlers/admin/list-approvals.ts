import { listApprovals } from '../../../store/approvals.ts';
import { getTenantConfigNow } from '../../../store/tenants.ts';
import { approvalView } from '../../../usecases/approvals.ts';
import { decodeApprovalCursor, encodeApprovalCursor } from '../../http/cursor.ts';
import { httpHandler } from '../../http/http-handler.ts';
import { ProblemError } from '../../http/problem.ts';
import { listApprovalsRoute } from '../../routes/admin/list-approvals.ts';

const DEFAULT_PAGE_SIZE = 50;

export const handler = httpHandler(listApprovalsRoute, async ({ tenantId, query }) => {
  if (!(await getTenantConfigNow(tenantId))) throw new ProblemError('not_found', `No tenant ${tenantId}`);
  const status = query.status ?? 'pending';
  const after = query.cursor ? decodeApprovalCursor(query.cursor) : undefined;
  const page = await listApprovals(tenantId, status, {
    limit: query.limit ? Number(query.limit) : DEFAULT_PAGE_SIZE,
    ...(after ? { after } : {}),
  });
  const now = new Date().toISOString();
  // A pending request past its expiry reads expired (its workflow marks it so at its timeout): not in the pending list.
  const items = page.items.map((request) => approvalView(request, now)).filter((view) => view.status === status);
  return { status: 200, body: { items, ...(page.next ? { nextCursor: encodeApprovalCursor(page.next) } : {}) } };
});
