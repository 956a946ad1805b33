import { readFileSync } from 'node:fs';
import { App, Stack } from 'aws-cdk-lib';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { StateMachine } from 'aws-local-stepfunctions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  auditSealWorkflow,
  CALLBACK_RESOURCE,
  DISTRIBUTED_MAP_FIELDS,
  type WorkflowDefinition,
} from '../../functions/workflows/definitions.ts';
import { functionEntries } from '../../lib/function-entries.ts';
import { STAGES } from '../../lib/stage.ts';
import { Workflows } from '../../lib/workflows.ts';
import { importGraph, repoRoot } from '../support/import-scan.ts';
import { synthesize } from './support/synth.ts';
import { TemplateIndex } from './support/template-index.ts';

/**
 * The state machines as synthesized, checked offline as Step Functions would take them. The
 * ASL is validated by asl-validator, through aws-local-stepfunctions (which validates every
 * definition it is given, ARNs and paths included). asl-validator accepts Distributed Map
 * fields on an inline Map, so that is checked here on its own: AWS documents the tolerated
 * failure threshold for Distributed Map only, and an inline Map fails on any failed item.
 */

type State = Record<string, any>;
type Machine = { id: string; definition: { States: Record<string, State> }; text: string; substitutions: Record<string, any> };

let index: TemplateIndex;
let machines: Machine[];

beforeAll(() => {
  index = new TemplateIndex(synthesize('prod').template);
  machines = index.ofType('AWS::StepFunctions::StateMachine').map(([id, machine]) => {
    const text = machine.Properties!.DefinitionString as string;
    return { id, text, definition: JSON.parse(text), substitutions: machine.Properties!.DefinitionSubstitutions ?? {} };
  });
}, 60_000);

/** Every state with its path, inside Map item processors and Parallel branches too. */
function walk(states: Record<string, State>, prefix = ''): { path: string; state: State }[] {
  return Object.entries(states).flatMap(([name, state]) => [
    { path: `${prefix}${name}`, state },
    ...[state.ItemProcessor, state.Iterator, ...(state.Branches ?? [])]
      .filter((inner) => inner?.States)
      .flatMap((inner) => walk(inner.States, `${prefix}${name}.`)),
  ]);
}

const isInlineMap = (state: State) => state.Type === 'Map' && (state.ItemProcessor?.ProcessorConfig?.Mode ?? 'INLINE') === 'INLINE';

/** Distributed-only fields on inline Maps, as `path: field`. */
const inlineMapOffenders = (states: Record<string, State>) =>
  walk(states)
    .filter(({ state }) => isInlineMap(state))
    .flatMap(({ path, state }) => DISTRIBUTED_MAP_FIELDS.filter((field) => field in state).map((field) => `${path}: ${field}`));

/** The definition with its substitutions made as CloudFormation makes them (a function ARN for each). */
const substituted = (machine: Machine) =>
  JSON.parse(
    Object.keys(machine.substitutions).reduce(
      (text, key) => text.replaceAll(`\${${key}}`, `arn:aws:lambda:us-east-1:123456789012:function:${key}`),
      machine.text,
    ),
  );

describe('the synthesized state machines (prod)', () => {
  it('are valid States Language once substituted: asl-validator with ARN and path checks', () => {
    expect(machines.length).toBeGreaterThanOrEqual(1);
    for (const machine of machines) {
      const definition = substituted(machine);
      expect(JSON.stringify(definition), machine.id).not.toContain('${');
      expect(() => new StateMachine(definition), machine.id).not.toThrow();
    }
  });

  it('carry no Distributed Map field on an inline Map', () => {
    const inlineMaps = machines.flatMap((machine) => walk(machine.definition.States).filter(({ state }) => isInlineMap(state)));
    expect(inlineMaps.map(({ path }) => path)).toEqual(['SealDays', 'SealDays.SealRanges']);
    for (const machine of machines) expect(inlineMapOffenders(machine.definition.States), machine.id).toEqual([]);
  });

  it('needs that check: asl-validator accepts the definition as it was (ToleratedFailurePercentage on the inline SealDays)', () => {
    const machine = machines.find((m) => 'SealDays' in m.definition.States)!;
    const asItWas = substituted(machine);
    asItWas.States.SealDays.ToleratedFailurePercentage = 100;
    expect(() => new StateMachine(asItWas)).not.toThrow();
    expect(inlineMapOffenders(asItWas.States)).toEqual(['SealDays: ToleratedFailurePercentage']);
  });

  it("time each Task out after its function's own timeout", () => {
    for (const machine of machines) {
      for (const { path, state } of walk(machine.definition.States).filter(({ state }) => state.Type === 'Task')) {
        // A callback Task's clock is the wait for its token, not its function's run: it must have one (else it
        // waits as long as the execution may), from the execution's input.
        if (state.Resource === CALLBACK_RESOURCE) {
          expect(state.TimeoutSecondsPath ?? state.TimeoutSeconds, path).toBeDefined();
          continue;
        }
        const placeholder = /^\$\{(\w+)\}$/.exec(state.Resource)![1]!;
        const [functionId] = TemplateIndex.arnTargets(machine.substitutions[placeholder]);
        const functionTimeout = index.resources[functionId!]!.Properties!.Timeout as number;
        expect(state.TimeoutSeconds, path).toBeGreaterThan(functionTimeout);
      }
    }
  });
});

describe('synth', () => {
  it('refuses a workflow whose inline Map carries a Distributed Map field', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'WorkflowProbe');
    const key = new Key(stack, 'Key', { enableKeyRotation: true });
    const states = auditSealWorkflow.definition.States;
    const asItWas: WorkflowDefinition = {
      ...auditSealWorkflow,
      definition: {
        ...auditSealWorkflow.definition,
        States: { ...states, SealDays: { ...states.SealDays!, ToleratedFailurePercentage: 100 } },
      },
    };
    new Workflows(stack, 'Workflows', {
      stage: STAGES.dev,
      definitions: [asItWas],
      table: new Table(stack, 'Table', { partitionKey: { name: 'PK', type: AttributeType.STRING } }),
      hashKeySecret: new Secret(stack, 'Secret'),
      audit: { bucket: new Bucket(stack, 'Bucket'), key },
    });
    expect(() => app.synth()).toThrow(/AuditSeal: state SealDays: ToleratedFailurePercentage belongs to Distributed Map/);
  });
});

describe('the local runner stays out of the Lambdas', () => {
  it('no deployed function reaches local/ or aws-local-stepfunctions, which is a devDependency', () => {
    const graph = importGraph(
      functionEntries().map((entry) => entry.entry),
      { runtimeOnly: true },
    );
    expect(graph.files.some((file) => file.startsWith('functions/workflows/'))).toBe(true);
    expect(graph.files.filter((file) => /^(local|lib|scripts|bench|bin|test)\//.test(file))).toEqual([]);
    expect([...graph.packages.keys()].filter((name) => /aws-local-stepfunctions|asl-validator/.test(name))).toEqual([]);
    const pkg = JSON.parse(readFileSync(`${repoRoot}/package.json`, 'utf8'));
    expect(pkg.devDependencies['aws-local-stepfunctions']).toBe('3.0.0');
    expect(pkg.dependencies['aws-local-stepfunctions']).toBeUndefined();
  });
});
