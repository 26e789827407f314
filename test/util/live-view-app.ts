/** The stack of the LiveViewApp tests: a user pool, a fleet of four cameras (two groups, one camera in none), its viewers and their app. */
import { App, Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
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

