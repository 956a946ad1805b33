import * as z from 'zod/mini';
import { AccountEventView } from './account-events.ts';
import { AccountId, Instant } from './common.ts';
import { MAX_PAGE_SIZE } from './transactions.ts';
import { MAX_APPROVAL_EXPIRY_DAYS } from '../functions/domain/approvals.ts';
import { PARTNER_SCOPES } from '../functions/domain/vocabulary.ts';
import { PutTenantConfigBody } from './tenant-config.ts';

export const TenantId = z.string().check(z.minLength(3), z.maxLength(32), z.regex(/^[a-z0-9][a-z0-9-]*$/));

const TimeZone = z.string().check(
  z.maxLength(64),
  z.refine((zone) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  }, 'Not an IANA time zone'),
);

export const PartnerScopeName = z.enum(PARTNER_SCOPES);

/** API Gateway usage plans a tenant's partner traffic is throttled by (limits in lib/partner-plans.ts). */
export const PartnerPlanName = z.enum(['standard', 'high']);

export const CreateTenantBody = z.strictObject({
  tenantId: TenantId,
  displayName: z.string().check(z.minLength(1), z.maxLength(100)),
  timeZone: z.optional(TimeZone),
  plan: z.optional(PartnerPlanName.check(z.describe("Usage plan for the tenant's partner keys; default standard"))),
  approvals: z.optional(
    z.strictObject({
      expiryDays: z
        .number()
        .check(
          z.positive(),
          z.maximum(MAX_APPROVAL_EXPIRY_DAYS),
          z.describe('Days an approval request stays open undecided (default 7; fractions allowed: 0.5 is 12 hours)'),
        ),
    }),
  ),
  config: z.optional(
    z
      .omit(PutTenantConfigBody, { effectiveFrom: true })
      .check(z.describe('The first configuration version: sections as PUT .../config takes them, merged onto the defaults')),
  ),
});

export const TenantParams = z.strictObject({ tenantId: TenantId });

export const TenantView = z.object({
  tenantId: TenantId,
  displayName: z.string(),
  timeZone: z.string(),
  tiers: z.array(z.string()),
  approvals: z.object({ expiryDays: z.number() }),
  ruleVersions: z.array(
    z.object({
      version: z.int(),
      effectiveFrom: Instant,
      purchasePointsPerUsd: z.int(),
      minRedemptionPoints: z.int(),
      pointsPerCent: z.int(),
    }),
  ),
});

export const KeyId = z.string().check(z.regex(/^key_[0-9a-f]{16}$/));

export const KeyParams = z.strictObject({ tenantId: TenantId, keyId: KeyId });

export const CreatePartnerKeyBody = z.strictObject({
  scopes: z.array(PartnerScopeName).check(z.minLength(1), z.maxLength(PARTNER_SCOPES.length)),
  expiresAt: z.optional(Instant),
  label: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
});

/** Up to a week of overlap: both keys work until the old one expires. */
export const RotatePartnerKeyBody = z.strictObject({
  overlapSeconds: z.optional(z.int().check(z.gte(0), z.lte(604_800))),
});

export const KeyRevocationReason = z.enum(['compromised', 'rotated', 'partner_offboarded', 'unused', 'other']);

export const RevokePartnerKeyBody = z.strictObject({ reason: KeyRevocationReason });

export const PartnerKeyView = z.object({
  keyId: KeyId,
  tenantId: TenantId,
  scopes: z.array(PartnerScopeName),
  status: z.enum(['active', 'revoked']),
  label: z.optional(z.string()),
  createdAt: Instant,
  expiresAt: z.optional(Instant),
  lastUsedAt: z.optional(Instant),
  revokedAt: z.optional(Instant),
  revokeReason: z.optional(KeyRevocationReason),
});

export const CreatedPartnerKeyView = z.object({
  ...PartnerKeyView.def.shape,
  replaces: z.optional(
    z.object({ keyId: KeyId, expiresAt: z.optional(Instant) }).check(z.describe('On rotation: the old key and when it stops working')),
  ),
  key: z.optional(z.string().check(z.describe('The key itself: shown in this answer only, never again (not even on replay)'))),
});

export const PartnerKeyList = z.object({ items: z.array(PartnerKeyView), nextCursor: z.optional(z.string()) });

export const AccountLedgerParams = z.strictObject({ tenantId: TenantId, accountId: AccountId });

export const PageQuery = z.strictObject({
  limit: z.optional(z.string().check(z.regex(/^([1-9]\d?|100)$/), z.describe(`Page size, 1 to ${MAX_PAGE_SIZE}`))),
  cursor: z.optional(z.string().check(z.maxLength(200), z.regex(/^[A-Za-z0-9_-]+$/))),
});

/** An entry as operators see it: everything, including who acted and hashed client data. */
export const OperatorLedgerEntry = z.object({
  tenantId: TenantId,
  accountId: AccountId,
  wallet: z.string(),
  seq: z.int(),
  type: z.string(),
  amount: z.int(),
  balanceAfter: z.int(),
  debtAfter: z.int(),
  transactionId: z.string(),
  correlationId: z.string(),
  idempotencyKey: z.string(),
  requestId: z.string(),
  actor: z.object({ kind: z.string(), id: z.string(), role: z.optional(z.string()) }),
  reasonCode: z.optional(z.string()),
  ruleVersion: z.optional(z.int()),
  promotionId: z.optional(z.string().check(z.describe('The configured promotion that priced this purchase earn'))),
  source: z.optional(z.object({ type: z.string(), orderId: z.optional(z.string()), campaignId: z.optional(z.string()) })),
  pricing: z.optional(
    z
      .object({ subtotalCents: z.int(), tier: z.string() })
      .check(z.describe("A purchase earn's pricing inputs (the order subtotal and the account's tier), for the replay")),
  ),
  adjustment: z.optional(
    z
      .object({ approvalId: z.string(), ticket: z.string(), note: z.string() })
      .check(z.describe("An operator adjustment's approval, ticket and private note")),
  ),
  risk: z.optional(
    z
      .object({
        redemptionsThisHour: z.int(),
        redemptionsToday: z.int(),
        ipHashesToday: z.optional(z.int()),
        accountAgeHours: z.int(),
      })
      .check(
        z.describe(
          "A redemption's risk signals: the account's redemptions in the UTC hour and day, distinct client IP hashes today (while that rule is on) and its age",
        ),
      ),
  ),
  lots: z.array(z.object({ type: z.string(), expiresAt: Instant, points: z.int() })),
  clientMeta: z.optional(z.object({ ipHash: z.optional(z.string()), deviceHash: z.optional(z.string()) })),
  occurredAt: z.optional(Instant),
  createdAt: Instant,
  prevHash: z.string(),
  hash: z.string(),
});

export const OperatorLedgerPage = z.object({
  items: z.array(OperatorLedgerEntry),
  events: z
    .array(AccountEventView)
    .check(z.describe("Operator actions on the account (locks) from the page's oldest entry on (the first page: up to now), newest first")),
  nextCursor: z.optional(z.string()),
});
