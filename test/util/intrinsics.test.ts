import { getAttArn, IntrinsicContext, intrinsicOf, referencedLogicalIds, resolveIntrinsics, resolveWithParameters } from './intrinsics';

/** References that name what they stand for, so that a result shows how it was computed. */
const context: IntrinsicContext = {
  ref: (name) => `<${name}>`,
  getAtt: (logicalId, attribute) => `<${logicalId}.${attribute}>`,
  importValue: (exportName) => `<import ${exportName}>`,
};

describe('intrinsicOf', () => {
  test.each([
    [{ Ref: 'A' }, { fn: 'Ref', arg: 'A' }],
    [{ 'Fn::GetAtt': ['A', 'Arn'] }, { fn: 'Fn::GetAtt', arg: ['A', 'Arn'] }],
  ])('%j is a call', (value, call) => {
    expect(intrinsicOf(value)).toEqual(call);
  });

  test.each([
    ['a string', 'Ref'],
    ['an array', [{ Ref: 'A' }]],
    ['an object of two keys', { 'Ref': 'A', 'Fn::GetAtt': ['A', 'Arn'] }],
    ['an object of another key', { Key: 'Ref' }],
    ['null', null],
  ])('%s is not', (_what, value) => {
    expect(intrinsicOf(value)).toBeUndefined();
  });
});

describe('resolveIntrinsics', () => {
  test('Ref and both forms of Fn::GetAtt go to the context', () => {
    expect(resolveIntrinsics({ Ref: 'AWS::Region' }, context)).toBe('<AWS::Region>');
    expect(resolveIntrinsics({ 'Fn::GetAtt': ['Channel', 'Arn'] }, context)).toBe('<Channel.Arn>');
    expect(resolveIntrinsics({ 'Fn::GetAtt': 'Channel.Arn' }, context)).toBe('<Channel.Arn>');
    expect(resolveIntrinsics({ 'Fn::ImportValue': { 'Fn::Join': [':', ['Stack', 'Out']] } }, context)).toBe('<import Stack:Out>');
  });

  test('Fn::Join, Fn::Select and Fn::Split, nested, as CloudFormation computes them', () => {
    const arn = 'arn:aws:kinesisvideo:eu-west-1:123456789012:channel/front-door/1700000000000';
    const name = { 'Fn::Select': [1, { 'Fn::Split': ['/', { 'Fn::Select': [5, { 'Fn::Split': [':', arn] }] }] }] };
    expect(resolveIntrinsics(name, context)).toBe('front-door');
    expect(resolveIntrinsics({ 'Fn::Select': ['0', ['a', 'b']] }, context)).toBe('a');
    expect(resolveIntrinsics({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':x']] }, context)).toBe('arn:<AWS::Partition>:x');
  });

  test('Fn::Sub: pseudo parameters, resources, attributes, its own variables and ${!Literal}', () => {
    expect(resolveIntrinsics({ 'Fn::Sub': 'arn:${AWS::Partition}:${Channel}:${Stream.Arn}:${!Literal}' }, context))
      .toBe('arn:<AWS::Partition>:<Channel>:<Stream.Arn>:${Literal}');
    expect(resolveIntrinsics({ 'Fn::Sub': ['${X}-${Y}', { X: { Ref: 'Key' }, Y: 'y' }] }, context)).toBe('<Key>-y');
  });

  test('plain objects and arrays are resolved at any depth, everything else is kept', () => {
    const statement = { Effect: 'Allow', Action: ['a:B'], Resource: [{ 'Fn::GetAtt': ['R', 'Arn'] }, '*'], Condition: { N: 1, B: true, Z: null } };
    expect(resolveIntrinsics(statement, context)).toEqual({ ...statement, Resource: ['<R.Arn>', '*'] });
  });

  test.each([
    ['Fn::If', { 'Fn::If': ['C', 'a', 'b'] }, /unsupported intrinsic/],
    ['Fn::FindInMap', { 'Fn::FindInMap': ['M', 'a', 'b'] }, /unsupported intrinsic/],
    ['a Ref that is not a name', { Ref: ['A'] }, /not a name/],
    ['a GetAtt without attribute', { 'Fn::GetAtt': 'Channel' }, /bad arguments/],
    ['a Join of a non-string', { 'Fn::Join': ['', ['a', { Key: 'v' }]] }, /not strings/],
    ['a Join with one argument', { 'Fn::Join': [''] }, /bad arguments/],
    ['a Select out of range', { 'Fn::Select': [3, ['a']] }, /index out of range/],
    ['a negative Select', { 'Fn::Select': [-1, ['a']] }, /index out of range/],
    ['a Split of a non-string', { 'Fn::Split': ['/', ['a']] }, /not strings/],
    ['a Sub of a non-string', { 'Fn::Sub': [['a'], {}] }, /bad arguments/],
  ])('throws on %s, naming the intrinsic and the template', (_what, value, why) => {
    expect(() => resolveIntrinsics(value, context, 'MyStack')).toThrow(/^cannot resolve Fn::\w+|^cannot resolve Ref/);
    expect(() => resolveIntrinsics(value, context, 'MyStack')).toThrow(why);
    expect(() => resolveIntrinsics(value, context, 'MyStack')).toThrow(/ in MyStack: /);
  });

  test('an import without exports throws', () => {
    expect(() => resolveIntrinsics({ 'Fn::ImportValue': 'X' }, { ref: context.ref, getAtt: context.getAtt })).toThrow(/no exports/);
  });

  test('what the context throws is not swallowed', () => {
    const refusing: IntrinsicContext = { ...context, ref: (name) => { throw new Error(`no ${name}`); } };
    expect(() => resolveIntrinsics({ 'Fn::Join': ['', [{ Ref: 'P' }]] }, refusing)).toThrow('no P');
    expect(() => resolveIntrinsics({ 'Fn::Sub': '${P}' }, refusing)).toThrow('no P');
  });
});

describe('resolveWithParameters', () => {
  test('resolves references to the given parameters', () => {
    const arn = 'arn:aws:kinesisvideo:eu-west-1:123456789012:stream/front-door/1700000000001';
    const account = { 'Fn::Select': [4, { 'Fn::Split': [':', { Ref: 'StreamArn' }] }] };
    expect(resolveWithParameters(account, { StreamArn: arn })).toBe('123456789012');
    expect(resolveWithParameters({ 'Fn::Sub': '${AWS::Partition}' }, { 'AWS::Partition': 'aws-cn' })).toBe('aws-cn');
  });

  test('a reference without a value, or any GetAtt, throws', () => {
    expect(() => resolveWithParameters({ Ref: 'Other' }, { StreamArn: 'x' })).toThrow(/no value for parameter Other/);
    expect(() => resolveWithParameters(getAttArn('Channel'), {})).toThrow(/Fn::GetAtt Channel\.Arn/);
  });
});

describe('referencedLogicalIds', () => {
  test('follows Ref, both forms of GetAtt and of Sub, at any depth; not pseudo parameters, Sub variables or literals', () => {
    const value = {
      A: { Ref: 'RefTarget' },
      B: [{ 'Fn::GetAtt': ['ArrayGetAtt', 'Arn'] }, { 'Fn::GetAtt': 'StringGetAtt.Arn' }],
      C: { 'Fn::Sub': 'arn:${AWS::Partition}:${SubRef}:${SubAtt.Arn}:${!NotAReference}' },
      D: { 'Fn::Sub': ['${Variable}-${SubListRef}', { Variable: { Ref: 'VariableRef' } }] },
      E: { 'Fn::Join': ['', [{ Ref: 'AWS::StackId' }, { 'Fn::Select': [0, [{ Ref: 'Deep' }]] }]] },
      F: { 'Fn::ImportValue': 'Exported' },
    };
    expect(referencedLogicalIds(value)).toEqual(['ArrayGetAtt', 'Deep', 'RefTarget', 'StringGetAtt', 'SubAtt', 'SubListRef', 'SubRef', 'VariableRef']);
  });

  test('each id once, sorted; nothing for a literal', () => {
    expect(referencedLogicalIds([{ Ref: 'B' }, getAttArn('A'), { Ref: 'B' }])).toEqual(['A', 'B']);
    expect(referencedLogicalIds('arn:aws:kinesisvideo:eu-west-1:123456789012:channel/x/1')).toEqual([]);
  });
});
