/** The workflows functions start; lib/workflows.ts gives each function the ARN of the ones its route names. */
export type StartedWorkflow = 'Approval' | 'RedemptionHold';

/** Where a function finds each workflow's state machine ARN (workflow-client.ts reads, lib/workflows.ts and the local runner set). */
export const WORKFLOW_ARN_ENV = {
  Approval: 'APPROVAL_WORKFLOW_ARN',
  RedemptionHold: 'REDEMPTION_HOLD_WORKFLOW_ARN',
} as const satisfies Record<StartedWorkflow, string>;
