import { readFileSync } from 'node:fs';
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { RedRoomRewardsStack, type RedRoomRewardsStackProps } from '../../../lib/stack.ts';
import { STAGES, type StageName } from '../../../lib/stage.ts';

/** cdk.json's context (feature flags included), so tests synthesize what `cdk synth` does. */
const cdkJsonContext = (
  JSON.parse(readFileSync(new URL('../../../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> }
).context;

/**
 * Builds the stack for one stage with bundling skipped (template assertions need no bundle)
 * and cdk-nag's AwsSolutions pack registered, as bin/app.ts registers it.
 */
export function buildStack(stage: StageName, extra: Omit<RedRoomRewardsStackProps, 'stage'> = {}) {
  const app = new App({ context: { ...cdkJsonContext, 'aws:cdk:bundling-stacks': [] } });
  const stack = new RedRoomRewardsStack(app, `RedRoomRewards-${stage}`, { stage: STAGES[stage], ...extra });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}

/** Synthesizes (running cdk-nag, which throws on any unacknowledged finding) and returns the template. */
export function synthesize(stage: StageName, extra: Omit<RedRoomRewardsStackProps, 'stage'> = {}) {
  const { app, stack } = buildStack(stage, extra);
  // One synthesis serves both: Template.fromStack would synthesize (and run cdk-nag) again.
  const assembly = app.synth();
  return { stack, template: Template.fromJSON(assembly.getStackArtifact(stack.artifactId).template) };
}
