/**
 * The link's lifecycle is ordered by the template's dependency graph: CloudFormation creates a
 * resource after everything it references and deletes it before them. The link
 * (Custom::KinesisVideoMediaStorageLink) must therefore depend, transitively, on the channel,
 * the stream, the provider function and the function's role (whose policy grants
 * UpdateMediaStorageConfiguration): the link is created after them and removed before them,
 * so its handler still holds its permissions when the stack is deleted.
 */
import { App, CfnElement, Stack, Tags } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { IConstruct } from 'constructs';
import { MediaStorageLink, SignalingChannel, VideoStream, WebRtcIngestion } from '../src';

const LINK_TYPE = 'Custom::KinesisVideoMediaStorageLink';
const LINK_SCOPE_TAG_KEY = 'cdk-kinesis-video-webrtc:stack-id';

type Resources = Record<string, { Type: string; Properties?: any; DependsOn?: string | string[]; Metadata?: any }>;

// ---------------------------------------------------------------------------------------------
// the dependency graph of a template

/** The logical ids of the resources that `value` references (Ref, Fn::GetAtt, Fn::Sub). */
function references(value: unknown, resources: Resources, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    value.forEach((v) => references(v, resources, into));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'Ref' && typeof inner === 'string') {
        if (inner in resources) {
          into.add(inner);
        }
      } else if (key === 'Fn::GetAtt') {
        const target = Array.isArray(inner) ? inner[0] : String(inner).split('.')[0];
        if (typeof target === 'string' && target in resources) {
          into.add(target);
        }
        references(inner, resources, into);
      } else if (key === 'Fn::Sub') {
        const [text, variables] = Array.isArray(inner) ? inner : [inner, {}];
        for (const m of String(text).matchAll(/\$\{([^!}][^}]*)\}/g)) {
          const name = m[1].split('.')[0];
          if (name in resources && !(variables && name in variables)) {
            into.add(name);
          }
        }
        references(variables, resources, into);
      } else {
        references(inner, resources, into);
      }
    }
  }
  return into;
}

/** For each resource, the resources it depends on directly (references and DependsOn). */
function dependencyGraph(template: { Resources: Resources }): Map<string, Set<string>> {
  const resources = template.Resources;
  const graph = new Map<string, Set<string>>();
  for (const [logicalId, resource] of Object.entries(resources)) {
    const direct = references(resource.Properties ?? {}, resources);
    const dependsOn = resource.DependsOn === undefined ? [] : ([] as string[]).concat(resource.DependsOn);
    dependsOn.forEach((d) => direct.add(d));
    direct.delete(logicalId);
    graph.set(logicalId, direct);
  }
  return graph;
}

/** Everything `from` depends on, directly or not. */
function transitiveDependencies(graph: Map<string, Set<string>>, from: string): Set<string> {
  const seen = new Set<string>();
  const stack = [...(graph.get(from) ?? [])];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (!seen.has(next)) {
      seen.add(next);
      stack.push(...(graph.get(next) ?? []));
    }
  }
  return seen;
}

/** Whether the graph has a cycle (CloudFormation would refuse the template). */
function hasCycle(graph: Map<string, Set<string>>): boolean {
  return [...graph.keys()].some((id) => transitiveDependencies(graph, id).has(id));
}

function logicalIdsOfType(resources: Resources, type: string): string[] {
  return Object.entries(resources).filter(([, r]) => r.Type === type).map(([id]) => id);
}

function onlyLogicalIdOfType(resources: Resources, type: string): string {
  const ids = logicalIdsOfType(resources, type);
  expect(ids).toHaveLength(1);
  return ids[0];
}

/** The statements of a role's inline policies or of an AWS::IAM::Policy. */
function statementsOf(resource: Resources[string]): any[] {
  const documents = resource.Type === 'AWS::IAM::Role'
    ? (resource.Properties?.Policies ?? []).map((p: any) => p.PolicyDocument)
    : resource.Type === 'AWS::IAM::Policy' ? [resource.Properties.PolicyDocument] : [];
  return documents.flatMap((d: any) => d.Statement);
}

function actionsOf(statement: any): string[] {
  return ([] as string[]).concat(statement.Action ?? []);
}

/** The logical ids of the roles and policies that grant `action`. */
function grantorsOf(resources: Resources, action: string): string[] {
  return Object.entries(resources)
    .filter(([, r]) => statementsOf(r).some((s) => s.Effect === 'Allow' && actionsOf(s).includes(action)))
    .map(([id]) => id);
}

describe('the dependency graph helper', () => {
  test('follows Ref, Fn::GetAtt (both forms), Fn::Sub (both forms) and DependsOn, and ignores pseudo parameters', () => {
    const graph = dependencyGraph({
      Resources: {
        A: { Type: 'T', Properties: { X: { Ref: 'B' }, Y: { Ref: 'AWS::StackId' } } },
        B: { Type: 'T', Properties: { X: { 'Fn::GetAtt': ['C', 'Arn'] } } },
        C: { Type: 'T', Properties: { X: { 'Fn::GetAtt': 'D.Arn' } } },
        D: { Type: 'T', Properties: { X: { 'Fn::Sub': 'arn:${AWS::Partition}:${E}:${F.Arn}:${!G}' } } },
        E: { Type: 'T', Properties: { X: { 'Fn::Sub': ['${H}-${V}', { V: { Ref: 'I' } }] } } },
        F: { Type: 'T', DependsOn: 'G' },
        G: { Type: 'T', DependsOn: ['H'] },
        H: { Type: 'T' },
        I: { Type: 'T' },
        J: { Type: 'T', Properties: { X: { Ref: 'A' } } },
      },
    });
    expect([...graph.get('D')!].sort()).toEqual(['E', 'F']);
    expect([...graph.get('E')!].sort()).toEqual(['H', 'I']);
    expect([...transitiveDependencies(graph, 'A')].sort()).toEqual(['B', 'C', 'D', 'E', 'F', 'G', 'H', 'I']);
    expect(transitiveDependencies(graph, 'A')).not.toContain('J');
    expect(hasCycle(graph)).toBe(false);
    graph.get('H')!.add('A');
    expect(hasCycle(graph)).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// the link's dependencies

describe('the link is created after, and deleted before, what it needs', () => {
  let resources: Resources;
  let graph: Map<string, Set<string>>;
  let link: string;

  beforeAll(() => {
    const stack = new Stack(new App(), 'Camera');
    new WebRtcIngestion(stack, 'FrontDoor', { channelName: 'front-door', streamName: 'front-door' });
    resources = Template.fromStack(stack).toJSON().Resources;
    graph = dependencyGraph({ Resources: resources });
    link = onlyLogicalIdOfType(resources, LINK_TYPE);
  });

  test('the link references the channel ARN, the stream ARN and the provider function', () => {
    const channel = onlyLogicalIdOfType(resources, 'AWS::KinesisVideo::SignalingChannel');
    const stream = onlyLogicalIdOfType(resources, 'AWS::KinesisVideo::Stream');
    const fn = onlyLogicalIdOfType(resources, 'AWS::Lambda::Function');
    expect(resources[link].Properties).toEqual({
      ServiceToken: { 'Fn::GetAtt': [fn, 'Arn'] },
      ChannelArn: { 'Fn::GetAtt': [channel, 'Arn'] },
      StreamArn: { 'Fn::GetAtt': [stream, 'Arn'] },
      // a lost answer costs a minute past the function's timeout, not the default hour
      ServiceTimeout: String(resources[fn].Properties.Timeout + 60),
    });
  });

  test('the link depends, transitively, on the channel, the stream, the function and its role', () => {
    const dependencies = transitiveDependencies(graph, link);
    const fn = onlyLogicalIdOfType(resources, 'AWS::Lambda::Function');
    const role = resources[fn].Properties.Role['Fn::GetAtt'][0];
    expect(resources[role].Type).toBe('AWS::IAM::Role');

    expect([...dependencies]).toEqual(expect.arrayContaining([
      onlyLogicalIdOfType(resources, 'AWS::KinesisVideo::SignalingChannel'),
      onlyLogicalIdOfType(resources, 'AWS::KinesisVideo::Stream'),
      fn,
      role,
    ]));
  });

  test('the function role\'s inline policy grants UpdateMediaStorageConfiguration, on channels only', () => {
    const fn = onlyLogicalIdOfType(resources, 'AWS::Lambda::Function');
    const role = resources[fn].Properties.Role['Fn::GetAtt'][0];
    const grants = statementsOf(resources[role])
      .filter((s) => actionsOf(s).includes('kinesisvideo:UpdateMediaStorageConfiguration'));
    expect(grants).toHaveLength(1);
    expect(grants[0].Effect).toBe('Allow');
    expect(JSON.stringify(grants[0].Resource)).toMatch(/:channel\/\*"\]\]\}$/);
  });

  test('every policy that grants UpdateMediaStorageConfiguration is a dependency of the link', () => {
    const grantors = grantorsOf(resources, 'kinesisvideo:UpdateMediaStorageConfiguration');
    expect(grantors.length).toBeGreaterThan(0);
    const dependencies = transitiveDependencies(graph, link);
    for (const grantor of grantors) {
      expect(dependencies).toContain(grantor);
    }
  });

  test('neither the channel nor the stream depends on the link, and the graph has no cycle', () => {
    for (const type of ['AWS::KinesisVideo::SignalingChannel', 'AWS::KinesisVideo::Stream', 'AWS::Lambda::Function', 'AWS::IAM::Role']) {
      for (const id of logicalIdsOfType(resources, type)) {
        expect(transitiveDependencies(graph, id)).not.toContain(link);
      }
    }
    expect(hasCycle(graph)).toBe(false);
  });
});

describe('with several cameras and a link made by hand', () => {
  test('each link depends on its own channel and stream and on the one shared provider', () => {
    const stack = new Stack(new App(), 'Cameras');
    const front = new WebRtcIngestion(stack, 'Front');
    const back = new WebRtcIngestion(stack, 'Back', { channelName: 'back', streamName: 'back' });
    const channel = new SignalingChannel(stack, 'YardChannel');
    const stream = new VideoStream(stack, 'YardStream');
    const yard = new MediaStorageLink(stack, 'YardLink', { channel, stream });

    const resources: Resources = Template.fromStack(stack).toJSON().Resources;
    const graph = dependencyGraph({ Resources: resources });
    const fn = onlyLogicalIdOfType(resources, 'AWS::Lambda::Function');
    const role = resources[fn].Properties.Role['Fn::GetAtt'][0];
    const id = (c: IConstruct) => stack.getLogicalId(c.node.defaultChild as CfnElement);

    const cases = [
      { link: front.link.resource, channel: front.channel, stream: front.stream },
      { link: back.link.resource, channel: back.channel, stream: back.stream },
      { link: yard.resource, channel, stream },
    ];
    expect(logicalIdsOfType(resources, LINK_TYPE)).toHaveLength(cases.length);
    for (const c of cases) {
      const dependencies = transitiveDependencies(graph, id(c.link));
      expect([...dependencies]).toEqual(expect.arrayContaining([id(c.channel), id(c.stream), fn, role]));
      // and not on another camera's channel or stream
      const others = cases.filter((o) => o !== c).flatMap((o) => [id(o.channel), id(o.stream)]);
      for (const other of others) {
        expect(dependencies).not.toContain(other);
      }
    }
    expect(hasCycle(graph)).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// the channel's scope tag

describe('the channel carries the link scope tag, the stack id', () => {
  function channelTags(stack: Stack): any[] {
    const channels = Template.fromStack(stack).findResources('AWS::KinesisVideo::SignalingChannel');
    return Object.values(channels).map((c: any) => c.Properties.Tags);
  }

  test('by default', () => {
    const stack = new Stack(new App(), 'Camera');
    new WebRtcIngestion(stack, 'FrontDoor');
    expect(channelTags(stack)).toEqual([[{ Key: LINK_SCOPE_TAG_KEY, Value: { Ref: 'AWS::StackId' } }]]);
  });

  test('the key matches the condition of the provider role', () => {
    const stack = new Stack(new App(), 'Camera');
    new WebRtcIngestion(stack, 'FrontDoor');
    const roles = Template.fromStack(stack).findResources('AWS::IAM::Role');
    const conditions = Object.values(roles).flatMap((r: any) => statementsOf(r))
      .filter((s) => actionsOf(s).includes('kinesisvideo:UpdateMediaStorageConfiguration'))
      .map((s) => s.Condition);
    expect(conditions).toEqual([{ StringEquals: { [`aws:ResourceTag/${LINK_SCOPE_TAG_KEY}`]: { Ref: 'AWS::StackId' } } }]);
  });

  test.each<[string, (stack: Stack, camera: WebRtcIngestion) => void]>([
    ['on the stack', (stack) => Tags.of(stack).add(LINK_SCOPE_TAG_KEY, 'something-else')],
    ['on the app', (stack) => Tags.of(stack.node.root).add(LINK_SCOPE_TAG_KEY, 'something-else')],
    ['on the camera', (_, camera) => Tags.of(camera).add(LINK_SCOPE_TAG_KEY, 'something-else')],
    ['on the channel itself', (_, camera) => Tags.of(camera.channel).add(LINK_SCOPE_TAG_KEY, 'something-else')],
  ])('even when the user tags the same key %s: the library\'s tag has priority', (_, tag) => {
    const stack = new Stack(new App(), 'Camera');
    const camera = new WebRtcIngestion(stack, 'FrontDoor');
    tag(stack, camera);
    Tags.of(stack).add('team', 'video');

    const [tags] = channelTags(stack);
    expect(tags).toEqual(expect.arrayContaining([
      { Key: LINK_SCOPE_TAG_KEY, Value: { Ref: 'AWS::StackId' } },
      { Key: 'team', Value: 'video' },
    ]));
    expect(tags.filter((t: any) => t.Key === LINK_SCOPE_TAG_KEY)).toHaveLength(1);
  });

  test('a channel linked by hand is tagged too', () => {
    const stack = new Stack(new App(), 'Camera');
    Tags.of(stack).add(LINK_SCOPE_TAG_KEY, 'something-else');
    const channel = new SignalingChannel(stack, 'Channel');
    new MediaStorageLink(stack, 'Link', { channel, stream: new VideoStream(stack, 'Stream') });
    expect(channelTags(stack)).toEqual([[{ Key: LINK_SCOPE_TAG_KEY, Value: { Ref: 'AWS::StackId' } }]]);
  });
});

describe('a link and its channel share a stack', () => {
  test('a link in another stack than its channel is refused: its provider could not reach the channel', () => {
    const app = new App();
    const channel = new SignalingChannel(new Stack(app, 'Channels'), 'Channel');
    const links = new Stack(app, 'Links');
    expect(() => new MediaStorageLink(links, 'Link', { channel, stream: new VideoStream(links, 'Stream') }))
      .toThrow("invalid channel: a MediaStorageLink must be in the stack of its channel ('Channels'), got a link in stack 'Links'");
  });

  test('the stream may live in another stack', () => {
    const app = new App();
    const stream = new VideoStream(new Stack(app, 'Streams'), 'Stream');
    const stack = new Stack(app, 'Camera');
    new MediaStorageLink(stack, 'Link', { channel: new SignalingChannel(stack, 'Channel'), stream });
    Template.fromStack(stack).hasResourceProperties(LINK_TYPE, {
      StreamArn: { 'Fn::ImportValue': Match.stringLikeRegexp('^Streams:') },
    });
  });
});
