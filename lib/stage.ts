import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';

export type StageName = 'dev' | 'prod';

/** Everything that differs between a developer's stack and production, in one table. */
export interface StageConfig {
  name: StageName;
  /** Keep the table, key, secret and user pool when the stack is deleted, and refuse deletes. */
  retainData: boolean;
  logRetention: RetentionDays;
  /**
   * Audit export immutability. Production is the spec's 7 years in compliance mode (nobody,
   * root included, can shorten it). A dev stack uses a 1-day governance lock instead: a
   * compliance-locked dev bucket could not be emptied for 7 years.
   */
  auditLock: { mode: 'COMPLIANCE' | 'GOVERNANCE'; days: number };
  /** Stage-wide API ceiling, above every partner plan (per-key limits live in the usage plans). */
  apiThrottle: { rateLimit: number; burstLimit: number };
  /**
   * WAF rate-based rule, requests per source IP per 5 minutes: above what the biggest partner
   * plan may send, below the whole stage's throttle, so one flooding address is cut off at
   * the WAF before it can use up the capacity every partner shares.
   */
  wafRateLimitPer5Minutes: number;
  /** Alarm notifications go to this address when set (`-c alarmEmail=ops@example.com`). */
  alarmEmail?: string;
}

const SEVEN_YEARS_IN_DAYS = 7 * 365 + 2; // two leap days in any 7-year span

export const STAGES: Record<StageName, Omit<StageConfig, 'alarmEmail'>> = {
  dev: {
    name: 'dev',
    retainData: false,
    logRetention: RetentionDays.TWO_WEEKS,
    auditLock: { mode: 'GOVERNANCE', days: 1 },
    apiThrottle: { rateLimit: 50, burstLimit: 100 },
    wafRateLimitPer5Minutes: 15_000, // the stage throttle's own 50 req/s over 5 minutes
  },
  prod: {
    name: 'prod',
    retainData: true,
    logRetention: RetentionDays.THREE_MONTHS,
    auditLock: { mode: 'COMPLIANCE', days: SEVEN_YEARS_IN_DAYS },
    apiThrottle: { rateLimit: 1000, burstLimit: 2000 },
    // About 670 req/s: above the "high" plan's 500 (150,000 per 5 minutes), below the stage's 1000.
    wafRateLimitPer5Minutes: 200_000,
  },
};

/** Reads `-c stage=dev|prod` (default dev) and `-c alarmEmail=...`. */
export function stageFromContext(node: Node): StageConfig {
  const name = (node.tryGetContext('stage') as string | undefined) ?? 'dev';
  if (name !== 'dev' && name !== 'prod') throw new Error(`Unknown stage "${name}": use -c stage=dev or -c stage=prod`);
  const alarmEmail = node.tryGetContext('alarmEmail') as string | undefined;
  return { ...STAGES[name], ...(alarmEmail ? { alarmEmail } : {}) };
}

/** What happens to stateful resources when the stack goes away. */
export const dataRemovalPolicy = (stage: StageConfig) => (stage.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY);
