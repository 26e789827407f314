import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { CameraFleet, LiveViewApp, ViewerIdentity } from '../src';

/**
 * Properties of the `ViewersStack` example: the user pool the app's users sign in to, made and
 * run elsewhere (sign-up, passwords and MFA are not this library's business).
 */
export interface ViewersStackProps extends StackProps {
  /** The id of the user pool, e.g. `eu-west-1_AbCdEf123`. */
  readonly userPoolId: string;
  /**
   * The id of its app client. Its users must not be able to write `custom:accessGroup`, and its
   * ID tokens must carry it (read attributes).
   */
  readonly userPoolClientId: string;
  /**
   * The base URL of the user pool's managed login (its domain), e.g.
   * `https://my-homes.auth.eu-west-1.amazoncognito.com`. The app client must allow the `code` grant
   * and the `openid` scope, with the output `LiveViewUrl` among its callback and sign-out URLs.
   */
  readonly signInUrl: string;
}

/**
 * Cameras of several homes, each user of the app watching the cameras of their own home and no
 * other: access groups on the cameras, the users' identity pool, and the web app they open.
 */
export class ViewersStack extends Stack {
  constructor(scope: Construct, id: string, props: ViewersStackProps) {
    super(scope, id, props);

    const fleet = new CameraFleet(this, 'Homes', { namePrefix: 'home-' });
    fleet.addCamera('smith-porch', { accessGroup: 'smith' });
    fleet.addCamera('smith-garden', { accessGroup: 'smith' });
    fleet.addCamera('jones-porch', { accessGroup: 'jones' });

    // Users get their group from the attribute custom:accessGroup, which an administrator sets
    // (AdminUpdateUserAttributes); they may watch live and play back, not be a master. The pool is
    // imported: its clients are checked at deployment, which fails if one lets users write it.
    const viewers = new ViewerIdentity(this, 'HomeViewers', {
      fleet,
      userPool: cognito.UserPool.fromUserPoolId(this, 'Users', props.userPoolId),
      userPoolClient: cognito.UserPoolClient.fromUserPoolClientId(this, 'AppClient', props.userPoolClientId),
    });

    // The web app: sign in, the user's own cameras, live view and playback.
    const liveView = new LiveViewApp(this, 'LiveView', { viewers, signInUrl: props.signInUrl });

    new CfnOutput(this, 'LiveViewUrl', { value: liveView.url });
    new CfnOutput(this, 'IdentityPoolId', { value: viewers.identityPoolId });
    new CfnOutput(this, 'ViewerRoleArn', { value: viewers.role.roleArn });
  }
}
