import type { Stage } from 'aws-cdk-lib/aws-apigateway';
import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { problemTypeUri, ERROR_CODES } from '../schemas/error-codes.ts';
import type { StageConfig } from './stage.ts';

/**
 * The rate rule counts the trailing 5 minutes, re-checked often; AWS says it usually notices
 * a rate back under the limit within 30 seconds. A minute is an honest "come back later".
 */
export const WAF_RETRY_AFTER_SECONDS = 60;

const visibility = (metricName: string) => ({ cloudWatchMetricsEnabled: true, metricName, sampledRequestsEnabled: true });

/**
 * AWS WAF in front of the API stage: the AWS managed common rule set and known-bad-inputs
 * set, and a rate-based rule per source IP as a backstop above the per-key usage plans.
 */
export class WebAcl extends Construct {
  readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: { stage: StageConfig; apiStage: Stage }) {
    super(scope, id);
    const rateLimited = ERROR_CODES.rate_limited;
    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(`redroomrewards-${props.stage.name}`),
      customResponseBodies: {
        rateLimited: {
          contentType: 'APPLICATION_JSON',
          content: JSON.stringify({
            type: problemTypeUri('rate_limited'),
            title: rateLimited.title,
            status: rateLimited.status,
            code: 'rate_limited',
            detail: 'Too many requests from this address; retry later with the same Idempotency-Key',
            // A WAF custom response is static: no request id exists before API Gateway.
            requestId: '',
          }),
        },
      },
      rules: [
        {
          name: 'AWSManagedRulesCommonRuleSet',
          priority: 0,
          overrideAction: { none: {} },
          statement: {
            managedRuleGroupStatement: {
              vendorName: 'AWS',
              name: 'AWSManagedRulesCommonRuleSet',
              // Its 8 KB body cap would refuse valid requests with an opaque 403; the handler
              // enforces our 16 KB limit with a payload_too_large problem instead.
              ruleActionOverrides: [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }],
            },
          },
          visibilityConfig: visibility('common-rule-set'),
        },
        {
          name: 'AWSManagedRulesKnownBadInputsRuleSet',
          priority: 1,
          overrideAction: { none: {} },
          statement: { managedRuleGroupStatement: { vendorName: 'AWS', name: 'AWSManagedRulesKnownBadInputsRuleSet' } },
          visibilityConfig: visibility('known-bad-inputs'),
        },
        {
          name: 'RateLimitPerIp',
          priority: 2,
          action: {
            block: {
              customResponse: {
                responseCode: 429,
                customResponseBodyKey: 'rateLimited',
                // WAF sets Content-Type from the body (application/json; application/problem+json
                // is not on offer, nor may the header be set) and allows any other header.
                responseHeaders: [
                  { name: 'Retry-After', value: String(WAF_RETRY_AFTER_SECONDS) },
                  { name: 'Cache-Control', value: 'no-store' },
                ],
              },
            },
          },
          statement: { rateBasedStatement: { limit: props.stage.wafRateLimitPer5Minutes, aggregateKeyType: 'IP' } },
          visibilityConfig: visibility('rate-limit-per-ip'),
        },
      ],
    });
    new CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.apiStage.stageArn,
      webAclArn: this.webAcl.attrArn,
    });
  }
}
