import type { Refusal } from '../domain/result.ts';

/**
 * A domain refusal raised by a helper that returns a value when all is well (loading the
 * tenant's configuration): it carries the refusal itself, and the caller's edge maps it like
 * any other (`api/refusal-table.ts`). Commands return their refusals as outcomes instead.
 */
export class Refused extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.detail);
    this.name = 'Refused';
  }
}
