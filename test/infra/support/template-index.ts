import type { Template } from 'aws-cdk-lib/assertions';

type Resource = { Type: string; Properties?: Record<string, any>; DeletionPolicy?: string; UpdateReplacePolicy?: string };

/** Read-only views over a synthesized template that the infra tests share. */
export class TemplateIndex {
  readonly resources: Record<string, Resource>;

  constructor(template: Template) {
    this.resources = template.toJSON().Resources as Record<string, Resource>;
  }

  ofType(type: string): [string, Resource][] {
    return Object.entries(this.resources).filter(([, resource]) => resource.Type === type);
  }

  /** Every AWS::ApiGateway::Method with its full path, rebuilt from the resource tree. */
  methods(): { id: string; httpMethod: string; path: string; props: Record<string, any> }[] {
    return this.ofType('AWS::ApiGateway::Method').map(([id, method]) => ({
      id,
      httpMethod: method.Properties!.HttpMethod,
      path: this.resourcePath(method.Properties!.ResourceId),
      props: method.Properties!,
    }));
  }

  private resourcePath(ref: any): string {
    if (ref?.['Fn::GetAtt']?.[1] === 'RootResourceId') return '';
    const resource = this.resources[ref.Ref];
    if (!resource) throw new Error(`unknown API resource ${JSON.stringify(ref)}`);
    return `${this.resourcePath(resource.Properties!.ParentId)}/${resource.Properties!.PathPart}`;
  }

  /** Logical ids of every `Fn::GetAtt [X, 'Arn']` inside a value (e.g. an integration URI). */
  static arnTargets(value: unknown): string[] {
    if (Array.isArray(value)) return value.flatMap((item) => TemplateIndex.arnTargets(item));
    if (value && typeof value === 'object') {
      const getAtt = (value as Record<string, unknown>)['Fn::GetAtt'];
      if (Array.isArray(getAtt) && getAtt[1] === 'Arn') return [String(getAtt[0])];
      return Object.values(value).flatMap((item) => TemplateIndex.arnTargets(item));
    }
    return [];
  }

  /** Every IAM statement granted to the role of a function, across the policies attached to it. */
  statementsOfFunction(functionId: string): { Action: string | string[]; Effect: string; Resource: unknown }[] {
    const roleId = TemplateIndex.arnTargets(this.resources[functionId]!.Properties!.Role)[0];
    return this.ofType('AWS::IAM::Policy')
      .filter(([, policy]) => (policy.Properties!.Roles as { Ref: string }[]).some((role) => role.Ref === roleId))
      .flatMap(([, policy]) => policy.Properties!.PolicyDocument.Statement);
  }

  /** Every IAM action granted to the role of a function, across the policies attached to it. */
  actionsOfFunction(functionId: string): string[] {
    const roleId = TemplateIndex.arnTargets(this.resources[functionId]!.Properties!.Role)[0];
    return this.ofType('AWS::IAM::Policy')
      .filter(([, policy]) => (policy.Properties!.Roles as { Ref: string }[]).some((role) => role.Ref === roleId))
      .flatMap(([, policy]) => policy.Properties!.PolicyDocument.Statement as { Action: string | string[] }[])
      .flatMap((statement) => (Array.isArray(statement.Action) ? statement.Action : [statement.Action]));
  }
}
