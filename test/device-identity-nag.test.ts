/**
 * DeviceIdentity under cdk-nag 2's AwsSolutions, HIPAA Security, NIST 800-53 R5 and PCI DSS 3.2.1
 * packs: nothing is reported on its resources. The one finding its own resources carry by design
 * (AwsSolutions-IAM5 on the two tag-scoped, thing-named resources of the device-master grant) is
 * acknowledged on the policy that holds them, for exactly those two findings, in the forms of
 * cdk-nag 2 and cdk-nag 3.
 */
import { App, Aspects, CfnResource, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { SynthesisMessage } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { CameraFleet, DeviceIdentity } from '../src';

const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';
const PACKS = ['AwsSolutions', 'HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'];

function nagged(options: { env?: boolean; key?: boolean; cameras?: boolean } = {}) {
  const app = new App();
  for (const pack of [new AwsSolutionsChecks(), new HIPAASecurityChecks(), new NIST80053R5Checks(), new PCIDSS321Checks()]) {
    Aspects.of(app).add(pack);
  }
  const stack = new Stack(app, 'Shop', options.env ? { env: { account: ACCOUNT, region: REGION } } : {});
  const encryptionKey = options.key ? new kms.Key(stack, 'FleetKey', { enableKeyRotation: true }) : undefined;
  const fleet = new CameraFleet(stack, 'Fleet', { namePrefix: 'shop-', encryptionKey });
  if (options.cameras) {
    fleet.addCamera('front-door');
  }
  const devices = new DeviceIdentity(stack, 'Devices', { fleet, roleAliasName: 'shop-cameras' });
  return { stack, devices };
}

/** Every error and warning of the four packs, as `path id: first line`. */
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
  ['environment-agnostic, fleet key', { key: true }],
  ['literal environment, fleet key', { env: true, key: true }],
])('%s: no finding of any pack on a stack with a fleet and its device identity', (_, options) => {
  expect(findings(nagged(options).stack)).toEqual([]);
});

test('with cameras, still no finding on the device identity\'s resources', () => {
  expect(findings(nagged({ cameras: true }).stack, 'Devices/')).toEqual([]);
});

test('the acknowledgement names exactly the two thing-named resources, for cdk-nag 2 and 3', () => {
  const { stack, devices } = nagged({ env: true });
  const policy = devices.node.findChild('DeviceMasterPolicy').node.defaultChild as CfnResource;
  const findingsOf = (type: string) => `Resource::arn:<AWS::Partition>:kinesisvideo:${REGION}:${ACCOUNT}:${type}/<credentials-iot:ThingName>/*`;
  const v2 = stack.resolve(policy.getMetadata('cdk_nag'));
  expect(v2.rules_to_suppress).toEqual([{
    id: 'AwsSolutions-IAM5',
    reason: expect.stringContaining('${credentials-iot:ThingName}'),
    applies_to: [findingsOf('channel'), findingsOf('stream')],
  }]);
  const v3 = policy.node.metadata.filter(m => m.type === 'aws:cdk:acknowledged-rules').map(m => Object.keys(m.data as object));
  expect(v3).toEqual([[
    `Annotation::AwsSolutions-IAM5[${findingsOf('channel')}]`,
    `Annotation::AwsSolutions-IAM5[${findingsOf('stream')}]`,
  ]]);
  // nothing else of the identity carries an acknowledgement
  const acknowledged = devices.node.findAll().filter(c =>
    (CfnResource.isCfnResource(c) && c.getMetadata('cdk_nag') !== undefined) || c.node.metadata.some(m => m.type === 'aws:cdk:acknowledged-rules'));
  expect(acknowledged.map(c => c.node.path)).toEqual([policy.node.path]);
});

test('the acknowledgement is needed: without it, AwsSolutions-IAM5 reports those two resources', () => {
  const { stack, devices } = nagged({ env: true });
  const policy = devices.node.findChild('DeviceMasterPolicy').node.defaultChild as CfnResource;
  policy.addMetadata('cdk_nag', { rules_to_suppress: [] });
  const reported = findings(stack).map(f => /AwsSolutions-IAM5\[(.*?)\]/.exec(f)?.[1] ?? f);
  expect(reported.sort()).toEqual([
    `Resource::arn:<AWS::Partition>:kinesisvideo:${REGION}:${ACCOUNT}:channel/<credentials-iot:ThingName>/*`,
    `Resource::arn:<AWS::Partition>:kinesisvideo:${REGION}:${ACCOUNT}:stream/<credentials-iot:ThingName>/*`,
  ]);
});

test('in another stack than its fleet, still no finding of any pack on the identity', () => {
  const app = new App();
  for (const pack of [new AwsSolutionsChecks(), new HIPAASecurityChecks(), new NIST80053R5Checks(), new PCIDSS321Checks()]) {
    Aspects.of(app).add(pack);
  }
  const env = { account: ACCOUNT, region: REGION };
  const cameras = new Stack(app, 'Cameras', { env });
  const fleet = new CameraFleet(cameras, 'Fleet', { namePrefix: 'shop-' });
  const identities = new Stack(app, 'Identities', { env });
  new DeviceIdentity(identities, 'Devices', { fleet });
  expect(findings(identities)).toEqual([]);
});
