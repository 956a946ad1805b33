import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { CognitoUserPoolsAuthorizer } from 'aws-cdk-lib/aws-apigateway';
import {
  AccountRecovery,
  ClientAttributes,
  FeaturePlan,
  Mfa,
  StandardThreatProtectionMode,
  StringAttribute,
  UserPool,
  type UserPoolClient,
  UserPoolGroup,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import type { OperatorRole } from '../functions/domain/vocabulary.ts';
import { dataRemovalPolicy, type StageConfig } from './stage.ts';

/** One Cognito group per operator role; `satisfies` makes a new role in functions/domain/vocabulary.ts fail here until it has a group. */
export const OPERATOR_GROUPS = {
  platform_admin: 'Runs the platform: approves large adjustments and merges, manages tenants',
  tenant_admin: "Administers one client platform's members: adjustments, locks, approvals",
  support: 'Customer service: reads accounts and audit trails, files adjustments for approval',
  finance: 'Read-only: reports and audit exports',
} as const satisfies Record<OperatorRole, string>;

/** Standard attributes operators may set on themselves; every other attribute is the admins' to set. */
export const OPERATOR_WRITABLE_ATTRIBUTES = { fullname: true, givenName: true, familyName: true, locale: true, timezone: true } as const;

/**
 * Operators sign in to a Cognito user pool (no self sign-up, MFA required) and call
 * `/api/v1/admin/...` with the JWT as `Authorization: Bearer ...`. API Gateway's Cognito
 * authorizer checks the token; the route handler checks the `cognito:groups` claim against
 * the route's roles.
 */
export class OperatorAuth extends Construct {
  readonly userPool: UserPool;
  readonly client: UserPoolClient;
  private authorizer?: CognitoUserPoolsAuthorizer;

  constructor(scope: Construct, id: string, props: { stage: StageConfig }) {
    super(scope, id);
    this.userPool = new UserPool(this, 'UserPool', {
      userPoolName: `redroomrewards-${props.stage.name}-operators`,
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      // Plus tier: compromised-credential and risky sign-in detection for a handful of
      // operators costs cents a month and guards the most powerful credentials we issue.
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      // The tenant a tenant_admin or support user belongs to; set by a platform admin only
      // (AdminCreateUser, AdminUpdateUserAttributes: IAM-authorized, not bound by the app
      // client's write attributes). Users cannot write it: the client below leaves it out of
      // its write attributes. It stays mutable so an admin can correct it; Cognito cannot
      // change an existing attribute's mutability anyway.
      customAttributes: { tenant_id: new StringAttribute({ minLen: 1, maxLen: 64, mutable: true }) },
      deletionProtection: props.stage.retainData,
      removalPolicy: props.stage.retainData ? RemovalPolicy.RETAIN : dataRemovalPolicy(props.stage),
    });
    for (const [groupName, description] of Object.entries(OPERATOR_GROUPS)) {
      new UserPoolGroup(this, `Group-${groupName}`, { userPool: this.userPool, groupName, description });
    }
    this.client = this.userPool.addClient('OperatorConsole', {
      // Operators sign in with `npm run operator-login` (SRP: the password never leaves the
      // machine), so the client needs no OAuth at all: no hosted-UI flows (no implicit grant),
      // no callback URL, no scopes (no aws.cognito.signin.user.admin OAuth scope).
      authFlows: { userSrp: true },
      disableOAuth: true,
      // What a signed-in user may change about themselves with their access token
      // (UpdateUserAttributes): their name and locale, never custom:tenant_id (the handlers
      // trust it) nor the e-mail they sign in with. The list is explicit so that nothing is
      // left to Cognito's default for a client without one.
      writeAttributes: new ClientAttributes().withStandardAttributes(OPERATOR_WRITABLE_ATTRIBUTES),
      generateSecret: false,
      preventUserExistenceErrors: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
    });
  }

  /**
   * The Cognito authorizer, created on first use: API Gateway refuses an authorizer no method
   * uses, and no operator route exists until the admin routes land.
   */
  methodAuthorizer(): CognitoUserPoolsAuthorizer {
    this.authorizer ??= new CognitoUserPoolsAuthorizer(this, 'Authorizer', {
      cognitoUserPools: [this.userPool],
      resultsCacheTtl: Duration.minutes(5),
    });
    return this.authorizer;
  }
}
