/** The stack of the LiveViewApp tests: a user pool, a fleet of four cameras (two groups, one camera in none), its viewers and their app. */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { PolicySimulator, PrincipalRef, REGION, SIMULATED_ENV } from './policy-simulation';
import { CameraFleet, LiveViewApp, ViewerIdentity } from '../../src';

export interface LiveViewFixture {
  readonly stack: Stack;
  readonly app: LiveViewApp;
  readonly viewers: ViewerIdentity;
  readonly userPoolClient: cognito.UserPoolClient;
}

/** A stack with a user pool, a fleet of three cameras in two groups and one without, its viewers and their app. */
export function liveViewStack(app = new App(), options: { env?: { account: string; region: string } } = { env: { account: '111111111111', region: 'eu-west-1' } }): LiveViewFixture {
  const stack = new Stack(app, 'Homes', { env: options.env });
  const userPool = new cognito.UserPool(stack, 'Users', { customAttributes: { accessGroup: new cognito.StringAttribute({ mutable: true }) } });
  const userPoolClient = userPool.addClient('App', {
    readAttributes: new cognito.ClientAttributes().withCustomAttributes('accessGroup'),
    writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ fullname: true }),
    oAuth: { flows: { authorizationCodeGrant: true }, scopes: [cognito.OAuthScope.OPENID] },
  });
  const domain = userPool.addDomain('Login', { cognitoDomain: { domainPrefix: 'homes' } });
  const fleet = new CameraFleet(stack, 'HomesFleet', { namePrefix: 'home-' });
  fleet.addCamera('smith-porch', { accessGroup: 'smith' });
  fleet.addCamera('smith-garden', { accessGroup: 'smith' });
  fleet.addCamera('jones-porch', { accessGroup: 'jones' });
  fleet.addCamera('shed');
  const viewers = new ViewerIdentity(stack, 'Viewers', { fleet, userPool, userPoolClient });
  const liveView = new LiveViewApp(stack, 'LiveView', { viewers, signInUrl: domain.baseUrl() });
  return { stack, app: liveView, viewers, userPoolClient };
}


/** What the simulator resolves the identity pool's Ref to. */
export const IDENTITY_POOL_ID = `${REGION}:0f0e0d0c-0b0a-4909-8807-060504030201`;
/** What the simulator resolves the directory bucket's ARN to. */
export const DIRECTORY_BUCKET_ARN = 'arn:aws:s3:::homes-live-view-directory';

/** A camera of the simulated stack: its channel and stream ARNs and tags. */
export interface SimulatedCamera {
  readonly name: string;
  readonly channelArn: string;
  readonly streamArn: string;
  /** `aws:ResourceTag/<key>` context of both resources. */
  readonly tags: Record<string, string>;
}

/** The `liveViewStack` synthesized in the simulated environment, ready for IAM simulation. */
export interface SimulatedLiveViewApp extends LiveViewFixture {
  readonly template: any;
  readonly sim: PolicySimulator;
  /** The viewers' role. */
  readonly role: PrincipalRef;
  readonly cameras: SimulatedCamera[];
}

export function simulatedLiveViewApp(): SimulatedLiveViewApp {
  const fixture = liveViewStack(new App(), { env: SIMULATED_ENV });
  const { stack, app, viewers } = fixture;
  const template = Template.fromStack(stack).toJSON();
  const logicalId = (c: any) => stack.getLogicalId(c.node.defaultChild ?? c);
  // The simulator knows no Cognito or S3 resource: the pool's Ref and the bucket's ARN become literals.
  const resolved = JSON.parse(JSON.stringify(template)
    .split(JSON.stringify({ Ref: logicalId(viewers.node.findChild('IdentityPool')) })).join(JSON.stringify(IDENTITY_POOL_ID))
    .split(JSON.stringify({ 'Fn::GetAtt': [logicalId(app.directoryBucket), 'Arn'] })).join(JSON.stringify(DIRECTORY_BUCKET_ARN)));
  const sim = new PolicySimulator([{ stackName: stack.stackName, template: resolved }]);
  const cameras = viewers.fleet.cameras.map(camera => {
    const channel = template.Resources[logicalId(camera.channel)];
    const tags: Array<{ Key: string; Value: string }> = channel.Properties.Tags;
    return {
      name: channel.Properties.Name,
      channelArn: sim.arnOf(stack.stackName, logicalId(camera.channel)),
      streamArn: sim.arnOf(stack.stackName, logicalId(camera.stream)),
      tags: Object.fromEntries(tags.map(t => [`aws:ResourceTag/${t.Key}`, t.Value])),
    };
  });
  return { ...fixture, template, sim, role: { stackName: stack.stackName, logicalId: logicalId(viewers.role) }, cameras };
}
