/**
 * LiveViewApp: the page's bucket and distribution, the camera directory and who may read it, the
 * configuration written at deployment, the app client's URLs, cdk-nag's four packs.
 */
import { App, Aspects } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { LiveViewApp } from '../src';
import { DIRECTORY_BUCKET_ARN, liveViewStack, simulatedLiveViewApp } from './util/live-view-app';
import { ACCESS_GROUP_TAG_KEY as GROUP_TAG } from '../src/private/tags-and-quotas';

const ENV = { account: '111111111111', region: 'eu-west-1' };

describe('LiveViewApp', () => {
  const { stack, app } = liveViewStack();
  const template = Template.fromStack(stack);
  const logicalId = (c: { node: { defaultChild?: unknown } }) => stack.getLogicalId(c.node.defaultChild as any);

  test('the camera directory has one entry per access group, with only that group\'s cameras; a camera without a group is in none', () => {
    expect(app.directory).toEqual({ smith: ['home-smith-porch', 'home-smith-garden'], jones: ['home-jones-porch'] });
  });

  test('both buckets are private, encrypted, TLS-only', () => {
    for (const bucket of [app.bucket, app.directoryBucket]) {
      const props = template.toJSON().Resources[logicalId(bucket)].Properties;
      expect(props.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true,
      });
      expect(props.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('AES256');
    }
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logicalId(app.directoryBucket) },
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('CloudFront reads the page bucket through origin access control, HTTPS only; the directory bucket is not an origin', () => {
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    const dist = template.findResources('AWS::CloudFront::Distribution');
    const config = Object.values(dist)[0].Properties.DistributionConfig;
    expect(config.Origins).toHaveLength(1);
    expect(config.Origins[0].DomainName).toEqual({ 'Fn::GetAtt': [logicalId(app.bucket), 'RegionalDomainName'] });
    expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('https-only');
    expect(config.DefaultCacheBehavior.AllowedMethods).toEqual(['GET', 'HEAD']);
    expect(config.DefaultRootObject).toBe('index.html');
    // no policy lets CloudFront (or anyone) read the directory bucket
    const policies = Object.values(template.findResources('AWS::S3::BucketPolicy', { Properties: { Bucket: { Ref: logicalId(app.directoryBucket) } } }));
    expect(JSON.stringify(policies)).not.toContain('cloudfront.amazonaws.com');
  });

  test('a strict Content-Security-Policy: own scripts only, calls to Kinesis Video, Cognito, the sign-in domain and the directory only', () => {
    const policy = Object.values(template.findResources('AWS::CloudFront::ResponseHeadersPolicy'))[0].Properties.ResponseHeadersPolicyConfig;
    const csp = JSON.stringify(stack.resolve(policy.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy));
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*\.amazonaws|https:\s|\bhttp:/);
    expect(csp).toContain('connect-src \'self\' https://kinesisvideo.eu-west-1.');
    expect(csp).toContain('wss://*.kinesisvideo.eu-west-1.');
    expect(csp).toContain('https://cognito-identity.eu-west-1.');
    expect(csp).toContain('.auth.eu-west-1.amazoncognito.com https://');
    expect(csp).toContain(logicalId(app.directoryBucket));
    expect(csp).toContain("frame-ancestors 'none'");
    expect(policy.SecurityHeadersConfig.StrictTransportSecurity).toMatchObject({ AccessControlMaxAgeSec: 63072000, Override: true });
    expect(policy.SecurityHeadersConfig.FrameOptions.FrameOption).toBe('DENY');
    expect(policy.SecurityHeadersConfig.ContentTypeOptions.Override).toBe(true);
  });

  test('the users\' role may read its own group\'s directory object, and list that key, nothing else of the bucket', () => {
    const policies = template.findResources('AWS::IAM::ManagedPolicy', { Properties: { Description: Match.stringLikeRegexp('camera directory') } });
    expect(Object.keys(policies)).toHaveLength(1);
    const props = Object.values(policies)[0].Properties;
    expect(props.Roles).toEqual([{ Ref: stack.getLogicalId(app.node.scope!.node.findChild('Viewers').node.findChild('AuthenticatedRole').node.defaultChild as any) }]);
    expect(props.PolicyDocument.Statement).toEqual([
      {
        Action: 's3:GetObject',
        Effect: 'Allow',
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(app.directoryBucket), 'Arn'] }, `/cameras/\${aws:PrincipalTag/${GROUP_TAG}}.json`]] },
      },
      {
        Action: 's3:ListBucket',
        Condition: { StringEquals: { 's3:prefix': `cameras/\${aws:PrincipalTag/${GROUP_TAG}}.json` } },
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [logicalId(app.directoryBucket), 'Arn'] },
      },
    ]);
  });

  test('the configuration is written at deployment: region, client, identity pool, provider, sign-in URL, claim, endpoints', () => {
    const deployments = template.findResources('Custom::CDKBucketDeployment');
    const page = Object.values(deployments).find(d => JSON.stringify(d.Properties.DestinationBucketName).includes(logicalId(app.bucket)))!;
    const markers = JSON.stringify(page.Properties.SourceMarkers);
    expect(markers).toContain('UsersApp');
    expect(markers).toContain('ViewersIdentityPool');
    expect(markers).toContain('ProviderName');
    expect(page.Properties.DistributionPaths).toEqual(['/*']);
  });

  test('the app client\'s callback and sign-out URLs are the distribution\'s', () => {
    const client = Object.values(template.findResources('AWS::Cognito::UserPoolClient'))[0].Properties;
    const url = { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [logicalId(app.distribution as any), 'DomainName'] }, '/']] };
    expect(client.CallbackURLs).toEqual([url]);
    expect(client.LogoutURLs).toEqual([url]);
  });

  test('the deployment function runs on a Python that Lambda still creates, after its policy, without a DependsOn its GetAtt repeats', () => {
    const fns = template.findResources('AWS::Lambda::Function', { Properties: { Handler: 'index.handler', Layers: Match.anyValue() } });
    expect(Object.keys(fns)).toHaveLength(1);
    const [fn] = Object.values(fns);
    expect(fn.Properties.Runtime).toBe('python3.13');
    const [policy] = Object.keys(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: fn.Properties.Role['Fn::GetAtt'][0] }] } }));
    expect(fn.DependsOn).toEqual([policy]);
  });

  test('a sign-in URL that is not an https base URL is refused', () => {
    const other = liveViewStack(new App());
    expect(() => new LiveViewApp(other.stack, 'Bad', { viewers: other.viewers, signInUrl: 'http://auth.example.com' }))
      .toThrow("invalid signInUrl: expected the https base URL of the user pool's managed login (e.g. 'https://auth.example.com'), "
        + "got 'http://auth.example.com'. Use the user pool domain's baseUrl(). (Homes/Bad)");
    expect(() => new LiveViewApp(other.stack, 'Query', { viewers: other.viewers, signInUrl: 'https://auth.example.com/?x=1' })).toThrow(/invalid signInUrl/);
  });
});

describe('LiveViewApp, the camera directory simulated', () => {
  const { sim, role } = simulatedLiveViewApp();
  const object = (group: string) => `${DIRECTORY_BUCKET_ARN}/cameras/${group}.json`;
  const as = (group?: string): Record<string, string> => (group === undefined ? {} : { [`aws:PrincipalTag/${GROUP_TAG}`]: group });
  const allowed = async (action: string, resource: string, group?: string, context: Record<string, string> = {}) =>
    (await sim.evaluate({ principal: role, action, resource, context: { ...as(group), ...context } }, { strictContext: false })).allowed;

  test('a user of smith reads smith.json, and no other group\'s object, nor any other key', async () => {
    expect(await allowed('s3:GetObject', object('smith'), 'smith')).toBe(true);
    for (const other of ['jones', 'Smith', 'smith-garden', '*']) {
      expect({ other, allowed: await allowed('s3:GetObject', object(other), 'smith') }).toEqual({ other, allowed: false });
    }
    expect(await allowed('s3:GetObject', `${DIRECTORY_BUCKET_ARN}/smith.json`, 'smith')).toBe(false);
    expect(await allowed('s3:GetObject', `${DIRECTORY_BUCKET_ARN}/cameras/smith.json.bak`, 'smith')).toBe(false);
  });

  test('a user without an access group reads nothing', async () => {
    for (const group of ['smith', 'jones', '']) {
      expect(await allowed('s3:GetObject', object(group), undefined)).toBe(false);
    }
  });

  test('listing is limited to the user\'s own key (a missing object is 404, not a list of the others)', async () => {
    expect(await allowed('s3:ListBucket', DIRECTORY_BUCKET_ARN, 'smith', { 's3:prefix': 'cameras/smith.json' })).toBe(true);
    for (const prefix of ['cameras/', '', 'cameras/jones.json', 'cameras/s']) {
      expect({ prefix, allowed: await allowed('s3:ListBucket', DIRECTORY_BUCKET_ARN, 'smith', { 's3:prefix': prefix }) }).toEqual({ prefix, allowed: false });
    }
    expect(await allowed('s3:ListBucket', DIRECTORY_BUCKET_ARN, 'smith')).toBe(false);
  });

  test('no write, delete or other action on the directory', async () => {
    for (const action of ['s3:PutObject', 's3:DeleteObject', 's3:GetObjectVersion', 's3:GetObjectAcl', 's3:PutObjectAcl']) {
      expect({ action, allowed: await allowed(action, object('smith'), 'smith') }).toEqual({ action, allowed: false });
    }
    expect(await allowed('s3:ListAllMyBuckets', '*', 'smith')).toBe(false);
  });
});

describe('LiveViewApp and cdk-nag', () => {
  const PACK_PREFIX = /^(AwsSolutions|HIPAA\.Security|NIST\.800\.53\.R5|PCI\.DSS\.321)-/;
  test.each([['a literal environment', ENV], ['an environment-agnostic stack', undefined]])('no finding of the four packs on the app\'s resources (%s)', (_, env) => {
    const app = new App();
    for (const pack of [AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks]) Aspects.of(app).add(new pack());
    const { stack } = liveViewStack(app, { env });
    const annotations = Annotations.fromStack(stack);
    const findings = [...annotations.findError('*', Match.anyValue()), ...annotations.findWarning('*', Match.anyValue())]
      .filter(m => PACK_PREFIX.test(String(m.entry.data)))
      .map(m => `${m.id} ${String(m.entry.data).split('\n')[0]}`)
      .filter(f => f.startsWith('/Homes/LiveView/') || f.startsWith('/Homes/Custom::CDKBucketDeployment') || f.startsWith('/Homes/Viewers/'));
    expect(findings).toEqual([]);
  });

  test('two apps in one stack (one deployment function): still no finding on either', () => {
    const app = new App();
    for (const pack of [AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks]) Aspects.of(app).add(new pack());
    const { stack, viewers } = liveViewStack(app);
    new LiveViewApp(stack, 'SecondLiveView', { viewers, signInUrl: 'https://auth.example.com' });
    const annotations = Annotations.fromStack(stack);
    const findings = [...annotations.findError('*', Match.anyValue()), ...annotations.findWarning('*', Match.anyValue())]
      .filter(m => PACK_PREFIX.test(String(m.entry.data)))
      .map(m => `${m.id} ${String(m.entry.data).split('\n')[0]}`)
      .filter(f => /^\/Homes\/(LiveView|SecondLiveView|Custom::CDKBucketDeployment|Viewers)\//.test(f));
    expect(findings).toEqual([]);
    expect(Object.keys(Template.fromStack(stack).findResources('AWS::Lambda::Function', { Properties: { Layers: Match.anyValue() } }))).toHaveLength(1);
  });
});
