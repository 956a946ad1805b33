import { listApiKeys } from '../../../store/api-keys.ts';
import { getTenantConfigNow } from '../../../store/tenants.ts';
import { partnerKeyView } from '../../../usecases/partner-keys.ts';
import { decodeKeyCursor, encodeKeyCursor } from '../../http/cursor.ts';
import { ProblemError } from '../../http/problem.ts';
import { httpHandler } from '../../http/http-handler.ts';
import { listPartnerKeysRoute } from '../../routes/admin/list-partner-keys.ts';

const DEFAULT_PAGE_SIZE = 100;

export const handler = httpHandler(listPartnerKeysRoute, async ({ tenantId, query }) => {
  if (!(await getTenantConfigNow(tenantId))) throw new ProblemError('not_found', `No tenant ${tenantId}`);
  const afterKeyId = query.cursor ? decodeKeyCursor(query.cursor) : undefined;
  const page = await listApiKeys(tenantId, {
    limit: query.limit ? Number(query.limit) : DEFAULT_PAGE_SIZE,
    ...(afterKeyId ? { afterKeyId } : {}),
  });
  return {
    status: 200,
    body: { items: page.keys.map(partnerKeyView), ...(page.nextKeyId ? { nextCursor: encodeKeyCursor(page.nextKeyId) } : {}) },
  };
});
