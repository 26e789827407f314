/**
 * ViewerIdentity's deploy-time guard (custom resource `Custom::UserPoolClientsGuard`): reads the
 * user pool and every one of its app clients, wherever they were made (the console, another app,
 * an imported pool), and fails the deployment when the pool does not declare the access-group
 * attribute or when a client lets its users write it: such a user could pick any access group.
 * Create and Update check; Delete does nothing. Why a guard rather than a token trigger:
 * docs/design/viewer-identity.md.
 */
import {
  CognitoIdentityProviderClient,
  DescribeUserPoolClientCommand,
  DescribeUserPoolClientCommandOutput,
  DescribeUserPoolCommand,
  DescribeUserPoolCommandOutput,
  ListUserPoolClientsCommand,
  ListUserPoolClientsCommandOutput,
} from '@aws-sdk/client-cognito-identity-provider';
import type { Context } from 'aws-lambda';
import { CfnOutcome, CfnRequest, responseBody, sendResponse } from '../shared/cfn-response';
import { DeadlineBoundCaller, RetryTiming } from '../shared/retry';

/** Cognito's control plane quotas are per account (UserPoolRead: 50 per second at least); a guard makes a few calls. */
const TIMING: RetryTiming = { baseDelayMs: 250, maxDelayMs: 4_000, requestTimeoutMs: 5_000 };
const MARGIN_MS = 10_000;

/** Attributes no app client can write (Cognito keeps them itself). */
const UNWRITABLE_ATTRIBUTES = new Set(['sub', 'email_verified', 'phone_number_verified', 'cognito:groups', 'cognito:username']);

export interface GuardRequest extends CfnRequest {
  readonly ResourceProperties: { readonly UserPoolId: string; readonly Attribute: string };
}

/**
 * The problems of the pool: the attribute not declared, and each app client that lets its users
 * write it (WriteAttributes listing it, or none at all: Cognito returns WriteAttributes only when
 * a client has its own list, and a client without one may write every attribute).
 */
export async function problemsOf(
  client: CognitoIdentityProviderClient, caller: DeadlineBoundCaller, userPoolId: string, attribute: string,
): Promise<string[]> {
  const problems: string[] = [];
  const pool = await caller.retrying(`could not describe user pool ${userPoolId}`, () =>
    caller.call<DescribeUserPoolCommandOutput>(client, new DescribeUserPoolCommand({ UserPoolId: userPoolId })));
  const declared = (pool.UserPool?.SchemaAttributes ?? []).map((a) => a.Name);
  if (attribute.startsWith('custom:') && !declared.includes(attribute)) {
    problems.push(`user pool ${userPoolId} has no attribute ${attribute}: add it to the pool (AddCustomAttributes, a mutable String), ` +
      'so that users can have an access group');
  }
  let nextToken: string | undefined;
  do {
    const page = await caller.retrying(`could not list the app clients of user pool ${userPoolId}`, () =>
      caller.call<ListUserPoolClientsCommandOutput>(client,
        new ListUserPoolClientsCommand({ UserPoolId: userPoolId, MaxResults: 60, NextToken: nextToken })));
    for (const summary of page.UserPoolClients ?? []) {
      const described = await caller.retrying(`could not describe app client ${summary.ClientId}`, () =>
        caller.call<DescribeUserPoolClientCommandOutput>(client,
          new DescribeUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: summary.ClientId })));
      const write = described.UserPoolClient?.WriteAttributes;
      const writes = write === undefined || write.length === 0 ? !UNWRITABLE_ATTRIBUTES.has(attribute) : write.includes(attribute);
      if (writes) {
        problems.push(`app client ${summary.ClientName ?? ''} (${summary.ClientId}) of user pool ${userPoolId} lets its users write their own ` +
          `${attribute} ${write?.length ? `(WriteAttributes: ${write.join(', ')})` : '(no WriteAttributes: every attribute)'}, ` +
          'so any user could pick another access group; give it WriteAttributes without it (UpdateUserPoolClient, or writeAttributes in CDK) ' +
          'and set the attribute from the backend only (AdminUpdateUserAttributes)');
      }
    }
    nextToken = page.NextToken;
  } while (nextToken);
  return problems;
}

/** What CloudFormation is told: SUCCESS, or FAILED with every problem found. */
export async function decide(request: GuardRequest, client: CognitoIdentityProviderClient, caller: DeadlineBoundCaller): Promise<CfnOutcome> {
  const { UserPoolId: userPoolId, Attribute: attribute } = request.ResourceProperties;
  const physicalResourceId = `${userPoolId}/${attribute}`;
  if (request.RequestType === 'Delete') {
    return { status: 'SUCCESS', physicalResourceId: request.PhysicalResourceId };
  }
  try {
    const problems = await problemsOf(client, caller, userPoolId, attribute);
    return problems.length === 0
      ? { status: 'SUCCESS', physicalResourceId }
      : { status: 'FAILED', physicalResourceId, reason: `a user could choose their own access group: ${problems.join('; ')}` };
  } catch (e) {
    return { status: 'FAILED', physicalResourceId, reason: `could not check the app clients of user pool ${userPoolId}: ${(e as Error).message}` };
  }
}

export async function handler(request: GuardRequest, context: Context): Promise<void> {
  const functionEnds = Date.now() + context.getRemainingTimeInMillis();
  const caller = new DeadlineBoundCaller({ timing: TIMING, deadline: functionEnds - MARGIN_MS });
  const client = new CognitoIdentityProviderClient({ maxAttempts: 1 });
  const outcome = await decide(request, client, caller);
  console.log(JSON.stringify({ level: outcome.status === 'SUCCESS' ? 'info' : 'error', step: 'user-pool-guard', ...outcome }));
  await sendResponse(request.ResponseURL, responseBody(request, outcome), { deadline: functionEnds - 1_000 });
}
