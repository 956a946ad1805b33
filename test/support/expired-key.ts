import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { PartnerScope } from '../../functions/domain/vocabulary.ts';
import { newApiKeyItems } from '../../functions/store/api-keys.ts';
import { getDocumentClient } from '../../functions/store/client.ts';
import { mintPartnerKey, partnerKeyHash } from '../../functions/security/partner-keys.ts';

/**
 * A key that has already expired, written straight into the table: the API refuses to create
 * one (an expiry must lie in the future), and a test must not wait for a real one to lapse.
 */
export async function plantExpiredKey(tenantId: string, scopes: PartnerScope[]): Promise<{ key: string; keyId: string }> {
  const { key, keyId } = mintPartnerKey();
  const items = newApiKeyItems({
    keyHash: partnerKeyHash(key),
    keyId,
    tenantId,
    scopes,
    status: 'active',
    createdAt: '2019-12-01T00:00:00.000Z',
    expiresAt: '2020-01-01T00:00:00.000Z',
  });
  await getDocumentClient().send(new TransactWriteCommand({ TransactItems: items }));
  return { key, keyId };
}
