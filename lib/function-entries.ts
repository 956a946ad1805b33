import { routes as manifestRoutes } from '../functions/api/manifest.ts';
import type { RouteDefinition } from '../functions/api/route-types.ts';
import { workflowDefinitions, type WorkflowDefinition } from '../functions/workflows/definitions.ts';
import { SCHEDULED_JOBS, type ScheduledJobDefinition } from './schedules.ts';

/**
 * Every Lambda the stack deploys, by name and handler module, without loading aws-cdk-lib:
 * the bundle report bundles exactly this list and the infra tests check the template
 * against it.
 */
export const PARTNER_AUTHORIZER_HANDLER = 'functions/api/handlers/authorize-partner.ts';
export const AUDIT_EXPORT_HANDLER = 'functions/streams/audit-export.ts';
export const REPORTS_HANDLER = 'functions/streams/reports.ts';

export interface FunctionSources {
  routes: RouteDefinition[];
  workflows: WorkflowDefinition[];
  scheduledJobs: ScheduledJobDefinition[];
}

export const DEFAULT_SOURCES: FunctionSources = { routes: manifestRoutes, workflows: workflowDefinitions, scheduledJobs: SCHEDULED_JOBS };

/** An entry deployed in a nested stack (its template is not the main one) names that stack. */
export interface FunctionEntry {
  name: string;
  entry: string;
  nestedStack?: string;
}

export function functionEntries(sources: FunctionSources = DEFAULT_SOURCES): FunctionEntry[] {
  return [
    ...sources.routes.map((route) => ({ name: `route ${route.operationId}`, entry: route.handler })),
    // The authorizer exists only while some route needs it (API Gateway refuses an unused one).
    ...(sources.routes.some((route) => route.auth === 'partner')
      ? [{ name: 'partner authorizer', entry: PARTNER_AUTHORIZER_HANDLER }]
      : []),
    { name: 'audit exporter', entry: AUDIT_EXPORT_HANDLER },
    { name: 'reports projector', entry: REPORTS_HANDLER, nestedStack: 'ReportsStack' },
    ...sources.workflows.flatMap((workflow) =>
      Object.entries(workflow.tasks).map(([state, task]) => ({ name: `workflow ${workflow.name}.${state}`, entry: task.handler })),
    ),
    ...sources.scheduledJobs.map((job) => ({ name: `job ${job.name}`, entry: job.handler })),
  ];
}
