import { CfnOutput } from 'aws-cdk-lib';
import { Period, type RestApi } from 'aws-cdk-lib/aws-apigateway';
import { Construct } from 'constructs';
import { PARTNER_PLANS, usagePlanName, type PartnerPlan } from './partner-plans.ts';
import type { StageConfig } from './stage.ts';

/** One API Gateway usage plan per partner plan, on the API's stage. */
export class UsagePlans extends Construct {
  constructor(scope: Construct, id: string, props: { stage: StageConfig; api: RestApi }) {
    super(scope, id);
    for (const [plan, limits] of Object.entries(PARTNER_PLANS) as [PartnerPlan, (typeof PARTNER_PLANS)[PartnerPlan]][]) {
      const usagePlan = props.api.addUsagePlan(`Plan-${plan}`, {
        name: usagePlanName(props.stage.name, plan),
        description: `Partner plan "${plan}": ${limits.rateLimit} req/s, ${limits.monthlyQuota} requests a month`,
        throttle: { rateLimit: limits.rateLimit, burstLimit: limits.burstLimit },
        quota: { limit: limits.monthlyQuota, period: Period.MONTH },
        apiStages: [{ api: props.api, stage: props.api.deploymentStage }],
      });
      new CfnOutput(this, `UsagePlanId-${plan}`, { value: usagePlan.usagePlanId });
    }
  }
}
