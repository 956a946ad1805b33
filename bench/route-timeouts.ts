import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { RedRoomRewardsStack } from '../lib/stack.ts';
import { STAGES } from '../lib/stage.ts';

/**
 * Each API route's Lambda timeout in milliseconds, by operation id, as the stack deploys it:
 * the dev stage synthesized with cdk.json's context and bundling skipped (the template is
 * all that is read), each function found by its description (`route <operationId>: …`).
 */
export function routeTimeoutsMs(): Record<string, number> {
  const context = (JSON.parse(readFileSync(new URL('../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> })
    .context;
  const app = new App({ context: { ...context, 'aws:cdk:bundling-stacks': [] } });
  const stack = new RedRoomRewardsStack(app, 'RedRoomRewards-bench', { stage: STAGES.dev });
  const template = app.synth().getStackArtifact(stack.artifactId).template as {
    Resources: Record<string, { Type: string; Properties?: { Description?: string; Timeout?: number } }>;
  };
  const timeouts: Record<string, number> = {};
  for (const resource of Object.values(template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const route = /^route (\w+):/.exec(resource.Properties?.Description ?? '')?.[1];
    if (route && typeof resource.Properties?.Timeout === 'number') timeouts[route] = resource.Properties.Timeout * 1000;
  }
  return timeouts;
}
