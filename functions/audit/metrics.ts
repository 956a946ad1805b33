/**
 * The audit trail's CloudWatch metrics, named once: the exporter emits them (Powertools EMF)
 * and `lib/alarms.ts` alarms on them. Dimensions are Powertools' `service` plus the stage.
 */
export const AUDIT_METRICS = {
  namespace: 'RedRoomRewards',
  service: 'redroomrewards',
  /** Ledger entries changed or removed in the table (any is an alarm: the ledger is append-only). */
  ledgerTamper: 'LedgerEntriesModified',
} as const;
