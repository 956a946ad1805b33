import { Aws, CfnOutput } from 'aws-cdk-lib';
import { Period, type RestApi, type UsagePlan } from 'aws-cdk-lib/aws-apigateway';
import { Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { USAGE_PLAN_NAMES_ENV } from '../functions/config/schemas.ts';
import { PARTNER_PLANS, usagePlanName, type PartnerPlan } from './partner-plans.ts';
import type { StageConfig } from './stage.ts';

/**
 * One API Gateway usage plan per partner plan, on the API's stage. Each tenant has one API
 * key on its plan, its usage key, which the partner authorizer returns as
 * `usageIdentifierKey` (API key source AUTHORIZER): a tenant's throttle and quota are its
 * own, and partner keys never reach API Gateway.
 */
export class UsagePlans extends Construct {
  readonly plans = new Map<PartnerPlan, UsagePlan>();
  private readonly stageName: string;

  constructor(scope: Construct, id: string, props: { stage: StageConfig; api: RestApi }) {
    super(scope, id);
    this.stageName = props.stage.name;
    for (const [plan, limits] of Object.entries(PARTNER_PLANS) as [PartnerPlan, (typeof PARTNER_PLANS)[PartnerPlan]][]) {
      const usagePlan = props.api.addUsagePlan(`Plan-${plan}`, {
        name: usagePlanName(props.stage.name, plan),
        description: `Partner plan "${plan}": ${limits.rateLimit} req/s, ${limits.monthlyQuota} requests a month, per tenant`,
        throttle: { rateLimit: limits.rateLimit, burstLimit: limits.burstLimit },
        quota: { limit: limits.monthlyQuota, period: Period.MONTH },
        apiStages: [{ api: props.api, stage: props.api.deploymentStage }],
      });
      this.plans.set(plan, usagePlan);
      new CfnOutput(this, `UsagePlanId-${plan}`, { value: usagePlan.usagePlanId });
    }
  }

  /**
   * Lets one function register tenants' usage keys: read the plans (to find their ids by
   * name), create an API key, put an API key on one of these plans. Nothing else: no key
   * reads, updates or deletions, no other plan.
   *
   * The function learns the plans' names, not ids, and the statements sit in a policy of
   * their own: the API's deployment depends on the function (its integration) and the plans
   * on the deployment's stage, so the function or its default policy naming a plan id would
   * be a dependency cycle.
   */
  grantUsageKeyRegistration(fn: LambdaFunction): void {
    fn.addEnvironment(
      USAGE_PLAN_NAMES_ENV,
      JSON.stringify(Object.fromEntries([...this.plans.keys()].map((plan) => [plan, usagePlanName(this.stageName, plan)]))),
    );
    const arn = (path: string) => `arn:${Aws.PARTITION}:apigateway:${Aws.REGION}::${path}`;
    const policy = new Policy(this, `RegisterUsageKeys-${fn.node.addr.slice(0, 8)}`, {
      statements: [
        new PolicyStatement({ actions: ['apigateway:GET'], resources: [arn('/usageplans')] }),
        new PolicyStatement({
          actions: ['apigateway:POST'],
          resources: [arn('/apikeys'), ...[...this.plans.values()].map((plan) => arn(`/usageplans/${plan.usagePlanId}/keys`))],
        }),
      ],
    });
    policy.attachToRole(fn.role!);
  }
}
