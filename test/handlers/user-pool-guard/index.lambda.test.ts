/**
 * ViewerIdentity's deploy-time guard, against a loopback Cognito stand-in reached by the real SDK
 * client (AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER, no network): the clients synthesis cannot
 * see, made outside the app or of an imported pool, fail the deployment when they let users write
 * the access-group attribute, and so does a pool that does not declare it.
 */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DeadlineBoundCaller } from '../../../src/handlers/shared/retry';
import { decide, GuardRequest } from '../../../src/handlers/user-pool-guard/index.lambda';
import { CognitoStandIn, StandInClient } from '../../simulation/cognito-stand-in';

const POOL = 'us-east-1_AbCdEf123';
const ATTRIBUTE = 'custom:accessGroup';
const VIEWING: StandInClient = { clientId: 'viewing1', clientName: 'viewing-app', writeAttributes: ['name', 'email'] };
const saved = { ...process.env };
let standIn: CognitoStandIn;
let client: CognitoIdentityProviderClient;

async function world(pools: ConstructorParameters<typeof CognitoStandIn>[0]) {
  standIn = new CognitoStandIn(pools);
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: await standIn.start(),
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDSTANDIN',
    AWS_SECRET_ACCESS_KEY: 'stand-in',
  });
  // built as the handler builds it: the endpoint comes from the environment
  client = new CognitoIdentityProviderClient({ maxAttempts: 1 });
}

const request = (type: 'Create' | 'Update' | 'Delete' = 'Create'): GuardRequest => ({
  RequestType: type,
  ResponseURL: 'https://example.invalid/response',
  StackId: 'stack',
  RequestId: 'request',
  LogicalResourceId: 'Guard',
  PhysicalResourceId: type === 'Create' ? undefined : `${POOL}/${ATTRIBUTE}`,
  ResourceProperties: { UserPoolId: POOL, Attribute: ATTRIBUTE },
});
const caller = () => new DeadlineBoundCaller({ timing: { baseDelayMs: 10, maxDelayMs: 20, requestTimeoutMs: 2_000 }, deadline: Date.now() + 10_000 });

afterEach(async () => {
  client?.destroy();
  await standIn?.stop();
  process.env = { ...saved };
});

test('a pool whose clients may not write the attribute: SUCCESS', async () => {
  await world({ [POOL]: { attributes: ['sub', 'email', ATTRIBUTE], clients: [VIEWING, { clientId: 'admin1', clientName: 'admin', writeAttributes: ['email'] }] } });
  expect(await decide(request(), client, caller())).toEqual({ status: 'SUCCESS', physicalResourceId: `${POOL}/${ATTRIBUTE}` });
  expect(standIn.calls).toEqual(['DescribeUserPool', 'ListUserPoolClients', 'DescribeUserPoolClient', 'DescribeUserPoolClient']);
});

test('a client made outside the app without WriteAttributes (every attribute): FAILED, naming it and the fix', async () => {
  await world({ [POOL]: { attributes: [ATTRIBUTE], clients: [VIEWING, { clientId: 'console1', clientName: 'made-in-console' }] } });
  const outcome = await decide(request(), client, caller());
  expect(outcome.status).toBe('FAILED');
  expect(outcome.reason).toContain('app client made-in-console (console1) of user pool us-east-1_AbCdEf123 lets its users write their own custom:accessGroup');
  expect(outcome.reason).toContain('(no WriteAttributes: every attribute)');
  expect(outcome.reason).toContain('give it WriteAttributes without it');
  expect(outcome.reason).not.toContain('viewing1');
});

test('a client whose WriteAttributes list it, on the second page of clients: FAILED on Update too', async () => {
  const many = Array.from({ length: 70 }, (_, i) => ({ clientId: `c${i}`, clientName: `app-${i}`, writeAttributes: ['email'] }));
  many[65] = { clientId: 'c65', clientName: 'self-service', writeAttributes: ['email', ATTRIBUTE] };
  await world({ [POOL]: { attributes: [ATTRIBUTE], clients: many } });
  const outcome = await decide(request('Update'), client, caller());
  expect(outcome.status).toBe('FAILED');
  expect(outcome.reason).toContain('self-service (c65)');
  expect(outcome.reason).toContain('(WriteAttributes: email, custom:accessGroup)');
  expect(standIn.calls.filter((c) => c === 'ListUserPoolClients')).toHaveLength(2);
});

test('an imported pool that does not declare the attribute: FAILED with what to add', async () => {
  await world({ [POOL]: { attributes: ['sub', 'email'], clients: [VIEWING] } });
  const outcome = await decide(request(), client, caller());
  expect(outcome.status).toBe('FAILED');
  expect(outcome.reason).toContain('user pool us-east-1_AbCdEf123 has no attribute custom:accessGroup: add it to the pool (AddCustomAttributes, a mutable String)');
});

test('a pool that cannot be read fails the deployment rather than passing it', async () => {
  await world({});
  const outcome = await decide(request(), client, caller());
  expect(outcome.status).toBe('FAILED');
  expect(outcome.reason).toMatch(/could not check the app clients of user pool us-east-1_AbCdEf123/);
});

test('Delete checks nothing', async () => {
  await world({ [POOL]: { attributes: [], clients: [{ clientId: 'x', clientName: 'x' }] } });
  expect(await decide(request('Delete'), client, caller())).toEqual({ status: 'SUCCESS', physicalResourceId: `${POOL}/${ATTRIBUTE}` });
  expect(standIn.calls).toEqual([]);
});
