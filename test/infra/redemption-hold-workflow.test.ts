import { beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../functions/api/manifest.ts';
import { redemptionHoldWorkflow, taskPlaceholder } from '../../functions/workflows/definitions.ts';
import { logicalIdOf } from '../../lib/logical-id.ts';
import type { RedRoomRewardsStack } from '../../lib/stack.ts';
import { MAX_HOLD_SECONDS } from '../../schemas/redemptions.ts';
import { synthesize } from './support/synth.ts';
import { TemplateIndex } from './support/template-index.ts';

/**
 * The RedemptionHold timer as deployed (prod, cdk-nag clean): a STANDARD state machine that
 * waits on the execution input's timestamp (what AWS acts on: `TimestampPath`), then runs its
 * one task with retries; started by exactly the hold route, which gets its ARN and nothing more.
 */
let stack: RedRoomRewardsStack;
let index: TemplateIndex;
let machineId: string;
let machine: Record<string, any>;

const statesStatements = (functionId: string) =>
  index.statementsOfFunction(functionId).filter((statement) => [statement.Action].flat().some((action) => action.startsWith('states:')));

beforeAll(() => {
  let template: ReturnType<typeof synthesize>['template'];
  ({ stack, template } = synthesize('prod'));
  index = new TemplateIndex(template);
  [machineId, machine] = index
    .ofType('AWS::StepFunctions::StateMachine')
    .find(([, m]) => JSON.parse(m.Properties!.DefinitionString).Comment === redemptionHoldWorkflow.definition.Comment)!;
  machine = machine.Properties!;
}, 120_000);

describe('the RedemptionHold state machine', () => {
  it('is STANDARD (a hold lasts up to a day; Express stops at 5 minutes) and outlives the longest hold', () => {
    expect(machine.StateMachineType).toBe('STANDARD');
    const definition = JSON.parse(machine.DefinitionString);
    expect(definition).toEqual(redemptionHoldWorkflow.definition);
    expect(definition.TimeoutSeconds).toBeGreaterThan(MAX_HOLD_SECONDS);
  });

  it("waits until the hold's own end, read from the execution input, then expires it through its task, retried", () => {
    const { States, StartAt } = redemptionHoldWorkflow.definition;
    expect(States[StartAt]).toEqual({ Type: 'Wait', TimestampPath: '$.expiresAt', Next: 'ExpireHold' });
    expect(States.ExpireHold).toMatchObject({ Type: 'Task', Resource: taskPlaceholder('ExpireHold'), End: true });
    expect((States.ExpireHold!.Retry as { ErrorEquals: string[]; MaxAttempts: number }[])[0]).toMatchObject({
      ErrorEquals: ['States.ALL'],
    });
    const taskFunction = index
      .ofType('AWS::Lambda::Function')
      .find(([, fn]) => fn.Properties!.Description === 'workflow RedemptionHold, task ExpireHold')!;
    expect(machine.DefinitionSubstitutions).toEqual({ ExpireHold: { 'Fn::GetAtt': [taskFunction[0], 'Arn'] } });
    expect(taskFunction[1].Properties!.Timeout).toBe(10);
  });

  it('is started by the hold route alone: StartExecution on this state machine and its ARN in the environment', () => {
    const starters = routes.filter((route) => route.workflows?.starts?.includes('RedemptionHold')).map((route) => route.operationId);
    expect(starters).toEqual(['createRedemptionHold']);
    const functionId = logicalIdOf(stack.routeFunctions.get('createRedemptionHold')!.function);
    expect(statesStatements(functionId)).toEqual([{ Action: 'states:StartExecution', Effect: 'Allow', Resource: { Ref: machineId } }]);
    for (const [id, fn] of index.ofType('AWS::Lambda::Function')) {
      const variables = (fn.Properties!.Environment?.Variables ?? {}) as Record<string, unknown>;
      if (id === functionId) expect(variables.REDEMPTION_HOLD_WORKFLOW_ARN).toEqual({ Ref: machineId });
      else expect(variables, fn.Properties!.Description).not.toHaveProperty('REDEMPTION_HOLD_WORKFLOW_ARN');
    }
  });
});
