/**
 * ViewerIdentity under cdk-nag 2's AwsSolutions, HIPAA Security, NIST 800-53 R5 and PCI DSS 3.2.1
 * packs: nothing is reported on its resources. The one finding its own resources carry by design
 * (AwsSolutions-IAM5 on the tag-scoped fleet resources of the access-group grants) is
 * acknowledged on the policy that holds them, for exactly those findings, in the forms of
 * cdk-nag 2 and cdk-nag 3; without the acknowledgement the rule reports exactly them.
 */
import { App, Aspects, CfnResource, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as kms from 'aws-cdk-lib/aws-kms';
import { SynthesisMessage } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { ViewersStack } from '../example/viewers-stack';
import { CameraFleet, ViewerIdentity, ViewerIdentityProps } from '../src';

const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';
const PACKS = ['AwsSolutions', 'HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'];

function nagged(options: { env?: boolean; key?: boolean; grants?: Partial<ViewerIdentityProps> } = {}) {
  const app = new App();
  for (const pack of [new AwsSolutionsChecks(), new HIPAASecurityChecks(), new NIST80053R5Checks(), new PCIDSS321Checks()]) {
    Aspects.of(app).add(pack);
  }
  const stack = new Stack(app, 'Homes', options.env ? { env: { account: ACCOUNT, region: REGION } } : {});
  // the user pool is the user's: imported, so that its own findings (MFA, password policy) stay out of the way
  const userPool = cognito.UserPool.fromUserPoolId(stack, 'Users', `${REGION}_AbCdEf123`);
  const userPoolClient = cognito.UserPoolClient.fromUserPoolClientId(stack, 'App', '1example23456789');
  const encryptionKey = options.key ? new kms.Key(stack, 'FleetKey', { enableKeyRotation: true }) : undefined;
  const fleet = new CameraFleet(stack, 'Fleet', { namePrefix: 'home-', encryptionKey });
  fleet.addCamera('smith-porch', { accessGroup: 'smith' });
  const viewers = new ViewerIdentity(stack, 'Viewers', { fleet, userPool, userPoolClient, ...options.grants });
  return { stack, viewers };
}

/** Every error and warning of the four packs under a path, as `path id: first line`. */
function findings(stack: Stack, under = ''): string[] {
  const annotations = Annotations.fromStack(stack);
  const format = (m: SynthesisMessage) => `${m.id} ${String(m.entry.data).split('\n')[0]}`;
  const packs = Match.stringLikeRegexp(`^(${PACKS.map(p => p.replace(/\./g, '\\.')).join('|')})-`);
  return [...annotations.findError('*', packs), ...annotations.findWarning('*', packs)]
    .map(format)
    .filter(f => f.startsWith(`/${stack.stackName}/${under}`));
}

test.each([
  ['environment-agnostic', {}],
  ['literal environment', { env: true }],
  ['literal environment, fleet key', { env: true, key: true }],
  ['playback only', { grants: { allowLiveView: false } }],
  ['with master', { env: true, grants: { allowMaster: true } }],
])('%s: no finding of any pack on the viewer identity', (_, options) => {
  expect(findings(nagged(options).stack, 'Viewers/')).toEqual([]);
});

const findingOf = (type: string) => `Resource::arn:<AWS::Partition>:kinesisvideo:${REGION}:${ACCOUNT}:${type}/home-*`;

test('the acknowledgement names exactly the fleet\'s tag-scoped channel and stream resources, for cdk-nag 2 and 3', () => {
  const { viewers, stack } = nagged({ env: true });
  const policy = viewers.node.findChild('AccessGroupPolicy').node.defaultChild as CfnResource;
  expect(stack.resolve(policy.getMetadata('cdk_nag')).rules_to_suppress).toEqual([{
    id: 'AwsSolutions-IAM5',
    reason: expect.stringContaining('${aws:PrincipalTag}'),
    applies_to: [findingOf('channel'), findingOf('stream')],
  }]);
  const v3 = policy.node.metadata.filter(m => m.type === 'aws:cdk:acknowledged-rules').map(m => Object.keys(m.data as object));
  expect(v3).toEqual([[`Annotation::AwsSolutions-IAM5[${findingOf('channel')}]`, `Annotation::AwsSolutions-IAM5[${findingOf('stream')}]`]]);
  // nothing else of the identity carries an acknowledgement
  const acknowledged = viewers.node.findAll().filter(c =>
    (CfnResource.isCfnResource(c) && c.getMetadata('cdk_nag') !== undefined) || c.node.metadata.some(m => m.type === 'aws:cdk:acknowledged-rules'));
  expect(acknowledged.map(c => c.node.path)).toEqual([policy.node.path]);
});

test('the acknowledgement is needed: without it, AwsSolutions-IAM5 reports exactly those resources', () => {
  const { stack, viewers } = nagged({ env: true });
  const policy = viewers.node.findChild('AccessGroupPolicy').node.defaultChild as CfnResource;
  policy.addMetadata('cdk_nag', { rules_to_suppress: [] });
  const reported = findings(stack, 'Viewers/').map(f => /AwsSolutions-IAM5\[(.*?)\]/.exec(f)?.[1] ?? f);
  expect(reported.sort()).toEqual([findingOf('channel'), findingOf('stream')]);
});

test('playback only: the acknowledgement names the stream resource alone', () => {
  const { viewers, stack } = nagged({ env: true, grants: { allowLiveView: false } });
  const policy = viewers.node.findChild('AccessGroupPolicy').node.defaultChild as CfnResource;
  expect(stack.resolve(policy.getMetadata('cdk_nag')).rules_to_suppress[0].applies_to).toEqual([findingOf('stream')]);
});

test('the example ViewersStack: no finding of any pack anywhere in it', () => {
  const app = new App();
  for (const pack of [new AwsSolutionsChecks(), new HIPAASecurityChecks(), new NIST80053R5Checks(), new PCIDSS321Checks()]) {
    Aspects.of(app).add(pack);
  }
  const stack = new ViewersStack(app, 'HomeViewersExample', { userPoolId: 'eu-west-1_AbCdEf123', userPoolClientId: '1example23456789' });
  expect(findings(stack)).toEqual([]);
});

test('in another stack than its fleet, still no finding of any pack on the identity', () => {
  const app = new App();
  for (const pack of [new AwsSolutionsChecks(), new HIPAASecurityChecks(), new NIST80053R5Checks(), new PCIDSS321Checks()]) {
    Aspects.of(app).add(pack);
  }
  const env = { account: ACCOUNT, region: REGION };
  const cameras = new Stack(app, 'Cameras', { env });
  const fleet = new CameraFleet(cameras, 'Fleet', { namePrefix: 'home-' });
  fleet.addCamera('smith-porch', { accessGroup: 'smith' });
  const identities = new Stack(app, 'Identities', { env });
  new ViewerIdentity(identities, 'Viewers', {
    fleet,
    userPool: cognito.UserPool.fromUserPoolId(identities, 'Users', `${REGION}_AbCdEf123`),
    userPoolClient: cognito.UserPoolClient.fromUserPoolClientId(identities, 'App', '1example23456789'),
  });
  expect(findings(identities)).toEqual([]);
});
