import { OCCURRED_AT_WINDOW } from '../../../domain/decisions/earn.ts';
import { refuse } from '../../../domain/result.ts';
import { CONFIG_SECTIONS, MAX_CONFIG_BYTES, withNewVersion } from '../../../domain/tenant-config.ts';
import { forgetTenantConfig, getTenantConfigRevision, tenantConfigUpdate } from '../../../store/tenants.ts';
import { runIdempotentWrite } from '../../../usecases/run-idempotent-write.ts';
import { tenantConfigView } from '../../../usecases/tenant-view.ts';
import { commandIdentity, httpAnswer } from '../../http/command-answer.ts';
import { httpHandler } from '../../http/http-handler.ts';
import { ProblemError } from '../../http/problem.ts';
import { putTenantConfigRoute } from '../../routes/admin/put-tenant-config.ts';

export const handler = httpHandler(putTenantConfigRoute, async (request) => {
  const change = request.body;
  if (!CONFIG_SECTIONS.some((section) => change[section] !== undefined)) {
    throw new ProblemError('validation_error', `Name at least one section to change: ${CONFIG_SECTIONS.join(', ')}`);
  }
  const { tenantId } = request.params;
  const actor = request.actor;
  const answer = await runIdempotentWrite(commandIdentity(request), async (now) => {
    const stored = await getTenantConfigRevision(tenantId);
    if (!stored) return refuse('tenant_not_found', `No tenant ${tenantId}`);
    // Versions superseded longer ago than the oldest event earn still takes may be dropped.
    const made = withNewVersion(stored.config, change, now, OCCURRED_AT_WINDOW.maxAgeMs, {
      id: actor.id,
      ...('role' in actor ? { role: actor.role } : {}),
    });
    if (!made.ok) return refuse(made.code, made.message);
    const { promotionMin, promotionMax, promotionDefault } = made.version.earning.expiryDays;
    if (promotionMin > promotionMax || promotionDefault < promotionMin || promotionDefault > promotionMax) {
      return refuse(
        'config_invalid',
        `earning.expiryDays: promotionMin (${promotionMin}) <= promotionDefault (${promotionDefault}) <= promotionMax (${promotionMax}) must hold`,
      );
    }
    const { dailyMax, weeklyMax, perTransferMax } = made.version.transfers;
    if (perTransferMax > dailyMax || dailyMax > weeklyMax) {
      return refuse(
        'config_invalid',
        `transfers: perTransferMax (${perTransferMax}) <= dailyMax (${dailyMax}) <= weeklyMax (${weeklyMax}) must hold`,
      );
    }
    const tierNames = new Set(made.version.tiers.map((tier) => tier.name));
    for (const promotion of made.version.earning.promotions) {
      const unknown = (promotion.tiers ?? []).filter((tier) => !tierNames.has(tier));
      if (unknown.length > 0) {
        return refuse('config_invalid', `earning.promotions ${promotion.id}: tiers ${unknown.join(', ')} are not tiers of this version`);
      }
    }
    // The tenant item holds every version: it must stay well inside DynamoDB's 400 KB.
    const size = Buffer.byteLength(JSON.stringify(made.config));
    if (size > MAX_CONFIG_BYTES) {
      return refuse(
        'config_too_large',
        `The configuration versions would take ${size} bytes, more than ${MAX_CONFIG_BYTES}: fewer promotions, or shorter ids and tier lists`,
      );
    }
    return {
      items: [tenantConfigUpdate(made.config, stored.revision)],
      result: { effect: 'created', body: { ...tenantConfigView(made.config, now), created: made.version } },
    };
  });
  forgetTenantConfig(tenantId);
  return httpAnswer(answer);
});
