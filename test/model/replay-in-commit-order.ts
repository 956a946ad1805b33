import type { TenantSnapshot } from '../support/table-audit.ts';
import type { LoggedAnswer } from '../support/outcome-log.ts';
import { ReferenceLedger, type ModelRequest } from './reference-ledger.ts';

/**
 * After a concurrent run the per-step answers cannot be predicted, but the database's own
 * commit order can be read back: each wallet's sequence numbers. Replaying the committed
 * requests through a fresh reference in that order must succeed at every step with the same
 * points and balance the service recorded, which is to say the run was equivalent to some
 * serial one (an overspend, a double apply or a lost update cannot be). Returns the reference
 * as the replay left it, and every disagreement.
 */
export function replayInCommitOrder(
  snapshot: TenantSnapshot,
  requests: Map<string, ModelRequest>,
  committed: Map<string, LoggedAnswer>,
  timeZone: string,
  today: string,
): { ledger: ReferenceLedger; violations: string[] } {
  const ledger = new ReferenceLedger(timeZone, today);
  const violations: string[] = [];
  // Upserts move no points and every entry needs its account: apply the committed ones first.
  for (const key of committed.keys()) {
    const request = requests.get(key);
    if (request?.kind === 'putAccount') ledger.submit(key, request, '');
    else if (!request) violations.push(`${key}: committed but never sent`);
  }
  const keysInLedger = new Set([...snapshot.entries.values()].flat().map((entry) => entry.idempotencyKey));
  for (const [key, answer] of committed) {
    if (answer.body.points > 0 && !keysInLedger.has(key)) violations.push(`${key}: answered ${answer.status} but nothing was committed`);
  }
  for (const entries of snapshot.entries.values()) {
    for (const entry of entries) {
      const where = `${entry.accountId}#${entry.seq} [${entry.idempotencyKey}]`;
      const request = requests.get(entry.idempotencyKey);
      if (!request) {
        violations.push(`${where}: a ledger entry no request asked for`);
        continue;
      }
      const expected = ledger.submit(entry.idempotencyKey, request, entry.createdAt);
      if (expected.kind !== 'success') {
        violations.push(`${where}: committed, but in commit order the reference says ${JSON.stringify(expected)}`);
        continue;
      }
      if (expected.body.points !== Math.abs(entry.amount) || expected.body.balance !== entry.balanceAfter) {
        violations.push(`${where}: entry ${entry.amount} -> ${entry.balanceAfter}, reference ${JSON.stringify(expected.body)}`);
      }
      const answer = committed.get(entry.idempotencyKey);
      if (!answer || answer.body.transactionId !== entry.transactionId || answer.body.balance !== entry.balanceAfter) {
        violations.push(`${where}: the client's answer ${JSON.stringify(answer?.body)} is not this entry`);
      }
    }
  }
  return { ledger, violations };
}
