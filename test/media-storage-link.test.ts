/**
 * The MediaStorageLink construct: the link's ServiceTimeout; its lifecycle, ordered by the
 * template's dependency graph; the tags it puts on its resources; its channel. (The app-wide
 * checks are in test/private/link-registry.test.ts; the provider's role in
 * test/private/media-storage-link-provider.test.ts.)
 *
 * CloudFormation creates a resource after everything it references and deletes it before them.
 * The link (Custom::KinesisVideoMediaStorageLink) must therefore depend, transitively, on the
 * channel, the stream, the provider function and the function's role (whose policy grants
 * UpdateMediaStorageConfiguration): the link is created after them and removed before them, so
 * its handler still holds its permissions when the stack is deleted.
 */
import { App, Stack, Tags } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ISignalingChannel, IVideoStream, MediaStorageLink, SignalingChannel, VideoStream, WebRtcIngestion } from '../src';
import { errorOf, expectValidationError } from './util/errors';
import { asArray, identityPolicyStatements } from './util/iam-statements';
import { getAttArn, referencedLogicalIds } from './util/intrinsics';
import { logicalIdOf, newStack } from './util/stacks';
import {
  CfnTemplate,
  dependencyGraph,
  hasCycle,
  logicalIdsOfType,
  onlyLogicalIdOfType,
  transitiveDependencies,
} from './util/templates';
import { LINK_SCOPE_TAG_KEY } from '../src/private/tags-and-quotas';

const LINK_TYPE = 'Custom::KinesisVideoMediaStorageLink';

type Resources = Record<string, { Type: string; Properties?: any }>;

/** The role a Lambda function runs as (its `Role`, `Fn::GetAtt [role, Arn]`). */
function roleOf(template: CfnTemplate, fn: string): string {
  const role = template.Resources![fn].Properties!.Role;
  expect(role).toEqual(getAttArn(expect.any(String)));
  return referencedLogicalIds(role)[0];
}

/** The logical ids of the roles and policies that allow `action`. */
function grantorsOf(template: CfnTemplate, action: string): string[] {
  const grantors = identityPolicyStatements(template)
    .filter(({ statement }) => statement.Effect === 'Allow' && asArray(statement.Action).includes(action))
    .map(({ policy }) => policy.source);
  return [...new Set(grantors)];
}

/** The statements of the one Lambda function's role that name `action`. */
function functionRoleStatementsWith(template: CfnTemplate, action: string) {
  const role = roleOf(template, onlyLogicalIdOfType(template, 'AWS::Lambda::Function'));
  return identityPolicyStatements(template)
    .filter(({ policy }) => policy.source === role)
    .map(({ statement }) => statement)
    .filter((s) => asArray(s.Action).includes(action));
}

function link(stack: Stack, id: string, stream: IVideoStream = new VideoStream(stack, `${id}Stream`)): MediaStorageLink {
  return new MediaStorageLink(stack, id, { channel: new SignalingChannel(stack, `${id}Channel`), stream });
}

const envStack = (app: App, id: string, region = 'eu-west-1') => new Stack(app, id, { env: { account: '123456789012', region } });

describe('ServiceTimeout', () => {
  test('the link waits a minute more than the function\'s timeout for an answer, not the default hour', () => {
    const stack = new Stack(new App(), 'Cameras');
    link(stack, 'Door');
    const template = Template.fromStack(stack);

    const [fn] = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(fn.Properties.Timeout).toBe(300);
    template.hasResourceProperties('Custom::KinesisVideoMediaStorageLink', { ServiceTimeout: '360' });
  });
});

describe('the link is created after, and deleted before, what it needs', () => {
  let template: CfnTemplate;
  let resources: Resources;
  let graph: Map<string, Set<string>>;
  let linkId: string;

  beforeAll(() => {
    const stack = newStack('Camera');
    new WebRtcIngestion(stack, 'FrontDoor', { channelName: 'front-door', streamName: 'front-door' });
    template = Template.fromStack(stack).toJSON();
    resources = template.Resources!;
    graph = dependencyGraph(template);
    linkId = onlyLogicalIdOfType(template, LINK_TYPE);
  });

  test('the link references the channel ARN, the stream ARN and the provider function', () => {
    const channel = onlyLogicalIdOfType(template, 'AWS::KinesisVideo::SignalingChannel');
    const stream = onlyLogicalIdOfType(template, 'AWS::KinesisVideo::Stream');
    const fn = onlyLogicalIdOfType(template, 'AWS::Lambda::Function');
    expect(resources[linkId].Properties).toEqual({
      ServiceToken: { 'Fn::GetAtt': [fn, 'Arn'] },
      ChannelArn: { 'Fn::GetAtt': [channel, 'Arn'] },
      StreamArn: { 'Fn::GetAtt': [stream, 'Arn'] },
      // a lost answer costs a minute past the function's timeout, not the default hour
      ServiceTimeout: String(resources[fn].Properties.Timeout + 60),
    });
  });

  test('the link depends, transitively, on the channel, the stream, the function and its role', () => {
    const dependencies = transitiveDependencies(graph, linkId);
    const fn = onlyLogicalIdOfType(template, 'AWS::Lambda::Function');
    const role = roleOf(template, fn);
    expect(resources[role].Type).toBe('AWS::IAM::Role');

    expect([...dependencies]).toEqual(expect.arrayContaining([
      onlyLogicalIdOfType(template, 'AWS::KinesisVideo::SignalingChannel'),
      onlyLogicalIdOfType(template, 'AWS::KinesisVideo::Stream'),
      fn,
      role,
    ]));
  });

  test('the function role\'s inline policy grants UpdateMediaStorageConfiguration, on channels only', () => {
    const grants = functionRoleStatementsWith(template, 'kinesisvideo:UpdateMediaStorageConfiguration');
    expect(grants).toHaveLength(1);
    expect(grants[0].Effect).toBe('Allow');
    expect(JSON.stringify(grants[0].Resource)).toMatch(/:channel\/\*"\]\]\}$/);
  });

  test('the function role\'s inline policy grants DescribeMappedResourceConfiguration, on streams only', () => {
    const grants = functionRoleStatementsWith(template, 'kinesisvideo:DescribeMappedResourceConfiguration');
    expect(grants).toHaveLength(1);
    expect(grants[0].Effect).toBe('Allow');
    expect(asArray(grants[0].Action)).toEqual(['kinesisvideo:DescribeMappedResourceConfiguration']);
    expect(JSON.stringify(grants[0].Resource)).toMatch(/:stream\/\*"\]\]\}$/);
  });

  test.each([
    'kinesisvideo:UpdateMediaStorageConfiguration',
    'kinesisvideo:DescribeMediaStorageConfiguration',
    'kinesisvideo:DescribeMappedResourceConfiguration',
  ])('every policy that grants %s is a dependency of the link', (action) => {
    const grantors = grantorsOf(template, action);
    expect(grantors.length).toBeGreaterThan(0);
    const dependencies = transitiveDependencies(graph, linkId);
    for (const grantor of grantors) {
      expect(dependencies).toContain(grantor);
    }
  });

  test('neither the channel nor the stream depends on the link, and the graph has no cycle', () => {
    for (const type of ['AWS::KinesisVideo::SignalingChannel', 'AWS::KinesisVideo::Stream', 'AWS::Lambda::Function', 'AWS::IAM::Role']) {
      for (const id of logicalIdsOfType(template, type)) {
        expect(transitiveDependencies(graph, id)).not.toContain(linkId);
      }
    }
    expect(hasCycle(graph)).toBe(false);
  });
});

describe('with several cameras and a link made by hand', () => {
  test('each link depends on its own channel and stream and on the one shared provider', () => {
    const stack = newStack('Cameras');
    const front = new WebRtcIngestion(stack, 'Front');
    const back = new WebRtcIngestion(stack, 'Back', { channelName: 'back', streamName: 'back' });
    const channel = new SignalingChannel(stack, 'YardChannel');
    const stream = new VideoStream(stack, 'YardStream');
    const yard = new MediaStorageLink(stack, 'YardLink', { channel, stream });

    const template: CfnTemplate = Template.fromStack(stack).toJSON();
    const graph = dependencyGraph(template);
    const fn = onlyLogicalIdOfType(template, 'AWS::Lambda::Function');
    const role = roleOf(template, fn);

    const cases = [
      { link: front.link.resource, channel: front.channel, stream: front.stream },
      { link: back.link.resource, channel: back.channel, stream: back.stream },
      { link: yard.resource, channel, stream },
    ];
    expect(logicalIdsOfType(template, LINK_TYPE)).toHaveLength(cases.length);
    for (const c of cases) {
      const dependencies = transitiveDependencies(graph, logicalIdOf(c.link));
      expect([...dependencies]).toEqual(expect.arrayContaining([logicalIdOf(c.channel), logicalIdOf(c.stream), fn, role]));
      // and not on another camera's channel or stream
      const others = cases.filter((o) => o !== c).flatMap((o) => [logicalIdOf(o.channel), logicalIdOf(o.stream)]);
      for (const other of others) {
        expect(dependencies).not.toContain(other);
      }
    }
    expect(hasCycle(graph)).toBe(false);
  });
});

describe('the channel and its stream (of the same stack) carry the link scope tag, the stack id', () => {
  function tagsOf(stack: Stack, type: string): any[] {
    const resources = Template.fromStack(stack).findResources(type);
    return Object.values(resources).map((c: any) => c.Properties.Tags);
  }
  const channelTags = (stack: Stack) => tagsOf(stack, 'AWS::KinesisVideo::SignalingChannel');
  const streamTags = (stack: Stack) => tagsOf(stack, 'AWS::KinesisVideo::Stream');

  test('by default', () => {
    const stack = newStack('Camera');
    new WebRtcIngestion(stack, 'FrontDoor');
    expect(channelTags(stack)).toEqual([[{ Key: LINK_SCOPE_TAG_KEY, Value: { Ref: 'AWS::StackId' } }]]);
    expect(streamTags(stack)).toEqual([[{ Key: LINK_SCOPE_TAG_KEY, Value: { Ref: 'AWS::StackId' } }]]);
  });

  test('the key matches the conditions of the provider role, on channels and on streams', () => {
    const stack = newStack('Camera');
    new WebRtcIngestion(stack, 'FrontDoor');
    const conditionOf = (action: string) => identityPolicyStatements(Template.fromStack(stack))
      .map(({ statement }) => statement)
      .filter((s) => asArray(s.Action).includes(action))
      .map((s) => s.Condition);
    const scoped = [{ StringEquals: { [`aws:ResourceTag/${LINK_SCOPE_TAG_KEY}`]: { Ref: 'AWS::StackId' } } }];
    expect(conditionOf('kinesisvideo:UpdateMediaStorageConfiguration')).toEqual(scoped);
    expect(conditionOf('kinesisvideo:DescribeMappedResourceConfiguration')).toEqual(scoped);
  });

  test.each<[string, (stack: Stack, camera: WebRtcIngestion) => void]>([
    ['on the stack', (stack) => Tags.of(stack).add(LINK_SCOPE_TAG_KEY, 'something-else')],
    ['on the app', (stack) => Tags.of(stack.node.root).add(LINK_SCOPE_TAG_KEY, 'something-else')],
    ['on the camera', (_, camera) => Tags.of(camera).add(LINK_SCOPE_TAG_KEY, 'something-else')],
    ['on the channel itself', (_, camera) => Tags.of(camera.channel).add(LINK_SCOPE_TAG_KEY, 'something-else')],
    ['on the stream itself', (_, camera) => Tags.of(camera.stream).add(LINK_SCOPE_TAG_KEY, 'something-else')],
  ])('even when the user tags the same key %s: the library\'s tag has priority', (_, tag) => {
    const stack = newStack('Camera');
    const camera = new WebRtcIngestion(stack, 'FrontDoor');
    tag(stack, camera);
    Tags.of(stack).add('team', 'video');

    for (const [tags] of [channelTags(stack), streamTags(stack)]) {
      expect(tags).toEqual(expect.arrayContaining([
        { Key: LINK_SCOPE_TAG_KEY, Value: { Ref: 'AWS::StackId' } },
        { Key: 'team', Value: 'video' },
      ]));
      expect(tags.filter((t: any) => t.Key === LINK_SCOPE_TAG_KEY)).toHaveLength(1);
    }
  });

  test('a channel and stream linked by hand are tagged too', () => {
    const stack = newStack('Camera');
    Tags.of(stack).add(LINK_SCOPE_TAG_KEY, 'something-else');
    const channel = new SignalingChannel(stack, 'Channel');
    new MediaStorageLink(stack, 'Link', { channel, stream: new VideoStream(stack, 'Stream') });
    expect(channelTags(stack)).toEqual([[{ Key: LINK_SCOPE_TAG_KEY, Value: { Ref: 'AWS::StackId' } }]]);
    expect(streamTags(stack)).toEqual([[{ Key: LINK_SCOPE_TAG_KEY, Value: { Ref: 'AWS::StackId' } }]]);
  });
});

describe('the stack-id tag on the stream', () => {
  const TAG = { Key: LINK_SCOPE_TAG_KEY, Value: { Ref: 'AWS::StackId' } };

  test('WebRtcIngestion: a user tag of the same key on a parent scope replaces neither tag, and other user tags pass', () => {
    const stack = new Stack(new App(), 'Cameras');
    new WebRtcIngestion(stack, 'Camera');
    Tags.of(stack).add(TAG.Key, 'something-else');
    Tags.of(stack).add('team', 'video');
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::KinesisVideo::SignalingChannel', {
      Tags: Match.arrayEquals([
        { Key: TAG.Key, Value: { Ref: 'AWS::StackId' } },
        { Key: 'team', Value: 'video' },
      ]),
    });
    template.hasResourceProperties('AWS::KinesisVideo::Stream', {
      Tags: Match.arrayEquals([
        { Key: TAG.Key, Value: { Ref: 'AWS::StackId' } },
        { Key: 'team', Value: 'video' },
      ]),
    });
  });

  test('a stream of another stack is not tagged: AWS::StackId there would be the other stack\'s id', () => {
    const app = new App();
    const streams = new Stack(app, 'Streams');
    const stream = new VideoStream(streams, 'Stream');
    const cameras = new Stack(app, 'Cameras');
    link(cameras, 'Door', stream);

    Template.fromStack(streams).hasResourceProperties('AWS::KinesisVideo::Stream', { Tags: Match.absent() });
    Template.fromStack(cameras).hasResourceProperties('AWS::KinesisVideo::SignalingChannel', { Tags: [TAG] });
    // the link reaches the stream of the other stack through its exported ARN
    Template.fromStack(cameras).hasResourceProperties(LINK_TYPE, {
      StreamArn: { 'Fn::ImportValue': Match.stringLikeRegexp('^Streams:') },
    });
  });

  test('an imported stream is left alone: nothing to tag, and the link still works', () => {
    const stack = envStack(new App(), 'Cameras');
    link(stack, 'Door', VideoStream.fromVideoStreamArn(stack, 'Imported', 'arn:aws:kinesisvideo:eu-west-1:123456789012:stream/front-door/1700000000000'));
    const template = Template.fromStack(stack);

    template.resourceCountIs('AWS::KinesisVideo::Stream', 0);
    template.hasResourceProperties('Custom::KinesisVideoMediaStorageLink', {
      StreamArn: 'arn:aws:kinesisvideo:eu-west-1:123456789012:stream/front-door/1700000000000',
    });
  });
});

describe('MediaStorageLinkProps.channel: an ISignalingChannel, owned by the link\'s stack', () => {
  const CHANNEL_ARN = 'arn:aws:kinesisvideo:us-east-1:111111111111:channel/gate/1700000000000';

  test('a SignalingChannel of the link\'s stack is accepted through the interface type', () => {
    const stack = new Stack();
    const channel: ISignalingChannel = new SignalingChannel(stack, 'Channel');
    const stream = new VideoStream(stack, 'Stream');
    expect(() => new MediaStorageLink(stack, 'Link', { channel, stream })).not.toThrow();
  });

  test('an imported channel is refused, naming the property and the channel', () => {
    const stack = new Stack(new App(), 'Stack');
    const channel = SignalingChannel.fromSignalingChannelArn(stack, 'Imported', CHANNEL_ARN);
    const stream = new VideoStream(stack, 'Stream');
    const error = errorOf(() => new MediaStorageLink(stack, 'Link', { channel, stream }));
    expectValidationError(error, 'channel', "got 'Stack/Imported', an imported channel");
  });

  test('a channel of another stack is refused, naming the property and both stacks', () => {
    const app = new App();
    const channel = new SignalingChannel(new Stack(app, 'Channels'), 'Channel');
    const links = new Stack(app, 'Links');
    const stream = new VideoStream(links, 'Stream');
    const error = errorOf(() => new MediaStorageLink(links, 'Link', { channel, stream }));
    expectValidationError(error, 'channel', "in the stack of its channel ('Channels'), got a link in stack 'Links'");
  });
});
