/**
 * DeviceIdentity in the template: exactly a role that only the AWS IoT credentials provider may
 * assume, holding the fleet's device-master grant and nothing else; a role alias for it; an IoT
 * policy with iot:AssumeRoleWithCertificate on that alias and nothing else; no certificate, no
 * key, no output. Its input (credential duration, role alias name) and the thing names of the
 * fleet's cameras are checked at synthesis.
 */
import { App, CfnParameter, CfnResource, Duration, Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CameraFleet, DeviceIdentity } from '../src';
import {
  DEVICE_CERTIFICATE_IOT_ACTIONS,
  DEVICE_ROLE_TRUSTED_SERVICE,
  INGESTION_MASTER_CHANNEL_ACTIONS,
  KEY_WRITE_ACTIONS,
  STREAM_WRITE_ACTIONS,
} from './expected-grants';
import { errorOf, expectValidationError } from './util/errors';
import { sorted, statementsOfPrincipal } from './util/iam-statements';
import { logicalIdOf } from './util/stacks';
import { FLEET_TAG_KEY as FLEET_TAG } from '../src/private/tags-and-quotas';

const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';

function fixture(fleetProps: ConstructorParameters<typeof CameraFleet>[2] = { namePrefix: 'shop-' }) {
  // partition literals, so that the ARNs compare as plain strings
  const app = new App({ context: { '@aws-cdk/core:enablePartitionLiterals': true } });
  const stack = new Stack(app, 'Shop', { env: { account: ACCOUNT, region: REGION } });
  const fleet = new CameraFleet(stack, 'Fleet', fleetProps);
  return { app, stack, fleet };
}

function identity(props: Partial<ConstructorParameters<typeof DeviceIdentity>[2]> = {}) {
  const f = fixture();
  f.fleet.addCamera('front-door');
  const devices = new DeviceIdentity(f.stack, 'Devices', { fleet: f.fleet, ...props });
  return { ...f, devices, template: Template.fromStack(f.stack) };
}

const roleAliasOf = (template: Template) => Object.values(template.findResources('AWS::IoT::RoleAlias'))[0].Properties;
const roleOf = (template: Template) => Object.values(template.findResources('AWS::IAM::Role', {
  Properties: { AssumeRolePolicyDocument: { Statement: [{ Principal: { Service: DEVICE_ROLE_TRUSTED_SERVICE } }] } },
}))[0].Properties;

describe('what it creates', () => {
  test('one role, one customer-managed policy, one role alias, one IoT policy; no certificate, key, thing, parameter or output', () => {
    const { template, stack, devices } = identity();
    const own = stack.node.findAll()
      .filter(c => CfnResource.isCfnResource(c) && c.node.path.startsWith(`${devices.node.path}/`))
      .map(c => (c as CfnResource).cfnResourceType).sort();
    expect(own).toEqual(['AWS::IAM::ManagedPolicy', 'AWS::IAM::Role', 'AWS::IoT::Policy', 'AWS::IoT::RoleAlias']);
    for (const type of ['AWS::IoT::Certificate', 'AWS::IoT::Thing', 'AWS::IoT::ThingPrincipalAttachment',
      'AWS::IoT::PolicyPrincipalAttachment', 'AWS::IAM::AccessKey', 'AWS::IoT::CACertificate', 'AWS::SecretsManager::Secret']) {
      template.resourceCountIs(type, 0);
    }
    expect(template.toJSON().Outputs ?? {}).toEqual({});
    expect(Object.keys(template.toJSON().Parameters ?? {}).filter(p => p !== 'BootstrapVersion')).toEqual([]);
  });

  test('the role trusts the AWS IoT credentials provider only: the exact assume-role policy', () => {
    const { template } = identity();
    expect(roleOf(template).AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: DEVICE_ROLE_TRUSTED_SERVICE } }],
    });
  });

  test('the role holds the fleet\'s device-master grant and nothing else', () => {
    const { template, stack, fleet, devices } = identity();
    const role = roleOf(template);
    expect(role.Policies).toBeUndefined();
    expect(role.ManagedPolicyArns).toBeUndefined();
    expect(role.PermissionsBoundary).toBeUndefined();
    const statements = statementsOfPrincipal(template, logicalIdOf(devices.role));
    const arn = (type: string) => `arn:aws:kinesisvideo:${REGION}:${ACCOUNT}:${type}/\${credentials-iot:ThingName}/*`;
    const fleetCondition = { StringEquals: { [`aws:ResourceTag/${FLEET_TAG}`]: fleet.fleetId } };
    expect(statements.map(s => ({ effect: s.effect, actions: sorted(s.actions), resources: s.resources, condition: s.condition })))
      .toEqual(expect.arrayContaining([
        { effect: 'Allow', actions: sorted(INGESTION_MASTER_CHANNEL_ACTIONS), resources: [arn('channel')], condition: fleetCondition },
        { effect: 'Allow', actions: sorted(STREAM_WRITE_ACTIONS), resources: [arn('stream')], condition: fleetCondition },
      ]));
    expect(statements).toHaveLength(2);
    // every statement sits in the one customer-managed policy of the identity
    const policyIds = Object.keys(template.findResources('AWS::IAM::ManagedPolicy'));
    expect(new Set(statements.map(s => s.source))).toEqual(new Set(policyIds));
    expect(policyIds).toHaveLength(1);
    template.resourceCountIs('AWS::IAM::Policy', 0);
    expect(stack.resolve(devices.role.roleArn)).toEqual({ 'Fn::GetAtt': [logicalIdOf(devices.role), 'Arn'] });
  });

  test('with a fleet key, the device role may also generate data keys of that key, and of no other', () => {
    const stack = new Stack(new App(), 'Keyed', { env: { account: ACCOUNT, region: REGION } });
    const key = new kms.Key(stack, 'Key');
    new kms.Key(stack, 'OtherKey');
    const fleet = new CameraFleet(stack, 'Fleet', { encryptionKey: key });
    fleet.addCamera('door');
    const devices = new DeviceIdentity(stack, 'Devices', { fleet });
    const kmsStatements = statementsOfPrincipal(Template.fromStack(stack), logicalIdOf(devices.role)).filter(s => s.actions.some(a => a.startsWith('kms:')));
    expect(kmsStatements.map(s => [sorted(s.actions), s.resources])).toEqual([[sorted(KEY_WRITE_ACTIONS), [{ 'Fn::GetAtt': [logicalIdOf(key), 'Arn'] }]]]);
  });

  test('the role alias points at the role; the IoT policy allows iot:AssumeRoleWithCertificate on that alias and nothing else', () => {
    const { template, devices, stack } = identity({ roleAliasName: 'shop-cameras' });
    const aliasId = Object.keys(template.findResources('AWS::IoT::RoleAlias'))[0];
    expect(roleAliasOf(template)).toEqual({
      RoleAlias: 'shop-cameras',
      RoleArn: { 'Fn::GetAtt': [logicalIdOf(devices.role), 'Arn'] },
      CredentialDurationSeconds: 3600,
    });
    const policies = Object.values(template.findResources('AWS::IoT::Policy'));
    expect(policies).toHaveLength(1);
    expect(policies[0].Properties).toEqual({
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: [...DEVICE_CERTIFICATE_IOT_ACTIONS], Resource: { 'Fn::GetAtt': [aliasId, 'RoleAliasArn'] } }],
      },
    });
    const policyId = Object.keys(template.findResources('AWS::IoT::Policy'))[0];
    expect(stack.resolve(devices.roleAliasName)).toEqual({ Ref: aliasId });
    expect(stack.resolve(devices.roleAliasArn)).toEqual({ 'Fn::GetAtt': [aliasId, 'RoleAliasArn'] });
    expect(stack.resolve(devices.iotPolicyName)).toEqual({ Ref: policyId });
    expect(stack.resolve(devices.iotPolicyArn)).toEqual({ 'Fn::GetAtt': [policyId, 'Arn'] });
  });

  test('without roleAliasName, CloudFormation names the alias', () => {
    expect(roleAliasOf(identity().template).RoleAlias).toBeUndefined();
  });

  test('a grant added to the role later is the user\'s: the identity itself adds nothing else to it', () => {
    const { stack, fleet } = fixture();
    fleet.addCamera('front-door');
    const devices = new DeviceIdentity(stack, 'Devices', { fleet });
    devices.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b/*'] }));
    const statements = statementsOfPrincipal(Template.fromStack(stack), logicalIdOf(devices.role));
    expect(statements.filter(s => s.actions.includes('s3:GetObject'))).toHaveLength(1);
    expect(statements).toHaveLength(3);
  });
});

describe('credentialDuration', () => {
  const durationOf = (credentialDuration?: Duration) => {
    const { template } = identity({ credentialDuration });
    return { alias: roleAliasOf(template).CredentialDurationSeconds, roleMax: roleOf(template).MaxSessionDuration };
  };

  test.each([
    [undefined, 3600, 3600],
    [Duration.seconds(900), 900, 3600], // IAM's smallest maximum session is one hour
    [Duration.minutes(15), 900, 3600],
    [Duration.hours(2), 7200, 7200],
    [Duration.seconds(43_200), 43_200, 43_200],
  ])('%s: the alias issues credentials for %d s, the role\'s maximum session covers it (%d s)', (duration, alias, roleMax) => {
    expect(durationOf(duration)).toEqual({ alias, roleMax });
  });

  test.each([
    [Duration.seconds(899), 'got 899 seconds (14 minutes 59 seconds)'],
    [Duration.seconds(43_201), 'got 43201 seconds'],
    [Duration.millis(900_500), 'got 900.5 seconds'],
    [Duration.days(1), 'got 86400 seconds (1 day)'],
  ])('%s is refused, naming the property, the value and the range', (duration, got) => {
    expect(() => identity({ credentialDuration: duration })).toThrow(
      /^invalid credentialDuration: expected a whole number of seconds from 900 to 43200, got /);
    expect(() => identity({ credentialDuration: duration })).toThrow(got);
  });

  test('a token duration is not checked: the alias takes it, and the role allows the longest session', () => {
    const { stack, fleet } = fixture();
    const seconds = new CfnParameter(stack, 'Seconds', { type: 'Number' });
    new DeviceIdentity(stack, 'Devices', { fleet, credentialDuration: Duration.seconds(seconds.valueAsNumber) });
    const template = Template.fromStack(stack);
    expect(roleAliasOf(template).CredentialDurationSeconds).toEqual({ Ref: 'Seconds' });
    expect(roleOf(template).MaxSessionDuration).toBe(43_200);
  });

  test('a token duration in another unit is refused: it cannot be converted to seconds at synthesis', () => {
    const { stack, fleet } = fixture();
    const minutes = Token.asNumber(new CfnParameter(stack, 'Minutes', { type: 'Number' }).valueAsNumber);
    const error = errorOf(() => new DeviceIdentity(stack, 'Devices', { fleet, credentialDuration: Duration.minutes(minutes) }));
    expectValidationError(error, 'credentialDuration', 'a duration from a token must be given in seconds');
  });
});

describe('roleAliasName', () => {
  test.each(['shop-cameras', 'a', 'Shop_Cameras=1,2@eu-west-1', 'x'.repeat(128)])('%s is accepted', (name) => {
    expect(roleAliasOf(identity({ roleAliasName: name }).template).RoleAlias).toBe(name);
  });

  test.each([
    ['', 0],
    ['shop.cameras', 12],
    ['shop/cameras', 12],
    ['shop cameras', 12],
    ['x'.repeat(129), 129],
  ])('\'%s\' is refused, naming the property, the value and what is allowed', (name, length) => {
    expect(() => identity({ roleAliasName: name })).toThrow(
      `invalid roleAliasName: expected 1 to 128 characters from a-z, A-Z, 0-9, '_', '=', ',', '@' and '-', got '${name}' (${length} characters)`);
  });

  test('a token is not checked', () => {
    const { stack, fleet } = fixture();
    const name = new CfnParameter(stack, 'AliasName').valueAsString;
    new DeviceIdentity(stack, 'Devices', { fleet, roleAliasName: name });
    expect(roleAliasOf(Template.fromStack(stack)).RoleAlias).toEqual({ Ref: 'AliasName' });
  });
});

describe('thing names: a camera of a fleet with a device identity is named as a thing may be', () => {
  const synthErrors = (app: App): string => {
    try {
      app.synth();
      return '';
    } catch (e) {
      return (e as Error).message;
    }
  };

  test.each(['before', 'after'])('a camera added %s the identity whose full name is no thing name is refused at synthesis', (when) => {
    const { app, stack, fleet } = fixture();
    if (when === 'before') fleet.addCamera('front.door');
    new DeviceIdentity(stack, 'Devices', { fleet });
    if (when === 'after') fleet.addCamera('front.door');
    fleet.addCamera('till');
    const message = synthErrors(app);
    expect(message).toContain(
      "invalid namePrefix + name: the cameras of fleet 'Shop/Fleet' sign in as the AWS IoT thing named after their channel and stream " +
      "('shop-front.door'), namePrefix 'shop-' + name 'front.door', so expected 1 to 128 characters from a-z, A-Z, 0-9, '_' and '-' " +
      "(valid both as a thing name and as a channel and stream name), got 'shop-front.door' (15 characters)");
    expect(message).not.toContain("'shop-till'");
  });

  test('without a prefix, the message names the camera\'s name', () => {
    const { app, stack, fleet } = fixture({});
    new DeviceIdentity(stack, 'Devices', { fleet });
    fleet.addCamera('a'.repeat(129));
    expect(synthErrors(app)).toMatch(/invalid name: .* got 'a{129}' \(129 characters\)/);
  });

  test('128 characters pass, 129 do not (a channel or stream could have 256)', () => {
    const ok = fixture();
    new DeviceIdentity(ok.stack, 'Devices', { fleet: ok.fleet });
    ok.fleet.addCamera('x'.repeat(123)); // 'shop-' + 123 = 128
    expect(synthErrors(ok.app)).toBe('');

    const tooLong = fixture();
    new DeviceIdentity(tooLong.stack, 'Devices', { fleet: tooLong.fleet });
    tooLong.fleet.addCamera('x'.repeat(124));
    expect(synthErrors(tooLong.app)).toContain('(129 characters)');
  });

  test('a fleet without a device identity keeps accepting every channel and stream name', () => {
    const { app, fleet } = fixture();
    fleet.addCamera('front.door');
    fleet.addCamera('x'.repeat(200));
    expect(synthErrors(app)).toBe('');
  });

  test('a prefix no thing name can start with is refused when the identity is created', () => {
    const { stack, fleet } = fixture({ namePrefix: 'shop.' });
    expect(() => new DeviceIdentity(stack, 'Devices', { fleet })).toThrow(
      "invalid namePrefix: the cameras of fleet 'Shop/Fleet' sign in as AWS IoT things named namePrefix + name, so expected at most " +
      "127 characters from a-z, A-Z, 0-9, '_' and '-' (a thing name has 1 to 128), got 'shop.' (5 characters)");
  });

  test('two identities on one fleet are allowed, and a bad name is reported once', () => {
    const { app, stack, fleet } = fixture();
    new DeviceIdentity(stack, 'Devices', { fleet });
    new DeviceIdentity(stack, 'LongLivedDevices', { fleet, credentialDuration: Duration.hours(12) });
    fleet.addCamera('front.door');
    const message = synthErrors(app);
    expect(message.split("got 'shop-front.door'").length - 1).toBe(1);

    const good = fixture();
    const a = new DeviceIdentity(good.stack, 'Devices', { fleet: good.fleet });
    const b = new DeviceIdentity(good.stack, 'LongLivedDevices', { fleet: good.fleet, credentialDuration: Duration.hours(12) });
    good.fleet.addCamera('front-door');
    const template = Template.fromStack(good.stack);
    template.resourceCountIs('AWS::IoT::RoleAlias', 2);
    // each role has the same device-master grant
    const grantOf = (d: DeviceIdentity) => JSON.stringify(statementsOfPrincipal(template, logicalIdOf(d.role)).map(s => ({ ...s, source: '' })));
    expect(grantOf(a)).toBe(grantOf(b));
  });
});
