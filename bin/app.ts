import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { RedRoomRewardsStack } from '../lib/stack.ts';
import { stageFromContext } from '../lib/stage.ts';

/**
 * `cdk synth|deploy -c stage=dev|prod`. The account and region come from the CLI's profile at
 * deploy time; without them (offline synth) the stack is environment-agnostic.
 */
const app = new App();
const stage = stageFromContext(app.node);
new RedRoomRewardsStack(app, `RedRoomRewards-${stage.name}`, {
  stage,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  description: `RedRoomRewards loyalty ledger (${stage.name})`,
  tags: { service: 'redroomrewards', stage: stage.name },
});
// cdk-nag on every synth: a finding without a reasoned acknowledgement fails the synth.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
