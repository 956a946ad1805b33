import { isDeepStrictEqual } from 'node:util';
import type { ApiResponse } from './local-api.ts';

export interface LoggedAnswer {
  key: string;
  /** Logical clock ticks (not time): when the request left and when its answer came back. */
  sentAt: number;
  answeredAt: number;
  status: number;
  body: any;
  replayed: boolean;
}

/** Answers that tell a client to send the same request again later. */
export function isRetryLater(response: Pick<ApiResponse, 'status' | 'body'>): boolean {
  const code = response.body?.code;
  return code === 'idempotency_key_in_use' || code === 'concurrent_update' || code === 'service_unavailable';
}

/**
 * Every answer given to every copy and retry of every request, on one logical clock, so the
 * exactly-once promise can be checked after the fact: per key, one outcome.
 */
export class OutcomeLog {
  readonly answers: LoggedAnswer[] = [];
  private clock = 0;

  /** Sends through `send` and records the answer against the key. */
  async record(key: string, send: () => Promise<ApiResponse>): Promise<ApiResponse> {
    const sentAt = (this.clock += 1);
    const response = await send();
    this.answers.push({
      key,
      sentAt,
      answeredAt: (this.clock += 1),
      status: response.status,
      body: response.body,
      replayed: response.headers.get('idempotent-replayed') === 'true',
    });
    return response;
  }

  /** The answer each key committed with (its first 2xx). */
  committed(): Map<string, LoggedAnswer> {
    const out = new Map<string, LoggedAnswer>();
    for (const answer of [...this.answers].sort((a, b) => a.answeredAt - b.answeredAt)) {
      if (answer.status < 300 && !out.has(answer.key)) out.set(answer.key, answer);
    }
    return out;
  }

  /**
   * Per key: every 2xx is the same answer (same transactionId), at most one of them is not a
   * replay, and every request sent after a 2xx came back got that 2xx again (or "retry later"). No 5xx at all
   * except those listed (503 is the documented "retry later" of a dependency outage).
   */
  violations(allowed5xx: number[] = []): string[] {
    const out: string[] = [];
    for (const answer of this.answers) {
      if (answer.status >= 500 && !allowed5xx.includes(answer.status)) {
        out.push(`${answer.key}: ${answer.status} ${answer.body?.code ?? ''}`);
      }
    }
    for (const [key, first] of this.committed()) {
      const mine = this.answers.filter((answer) => answer.key === key);
      const successes = mine.filter((answer) => answer.status < 300);
      if (successes.some((answer) => answer.status !== first.status || !isDeepStrictEqual(answer.body, first.body))) {
        out.push(`${key}: two different successful answers`);
      }
      if (successes.filter((answer) => !answer.replayed).length > 1) out.push(`${key}: decided and committed more than once`);
      // A "retry later" (a fault on the replay's own read) is no outcome; any other answer must be the replay.
      for (const later of mine.filter((answer) => answer.sentAt > first.answeredAt && !isRetryLater(answer))) {
        if (later.status !== first.status || !later.replayed) {
          out.push(`${key}: sent after its success was answered, got ${later.status} ${later.body?.code ?? ''} instead of the replay`);
        }
      }
    }
    return out;
  }
}
