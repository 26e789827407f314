import { Template } from 'aws-cdk-lib/assertions';
import {
  dependencyGraph,
  hasCycle,
  importedValue,
  logicalIdsOfType,
  maskAssetHashes,
  onlyLogicalIdOfType,
  resourcesOf,
  transitiveDependencies,
} from './templates';

describe('the dependency graph', () => {
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

  test('parameters and the resource itself are not dependencies', () => {
    const graph = dependencyGraph({
      Parameters: { P: { Type: 'String' } },
      Resources: { A: { Type: 'T', Properties: { X: { Ref: 'P' }, Self: { 'Fn::Sub': '${A.Arn}' } } } },
    });
    expect([...graph.get('A')!]).toEqual([]);
    expect(hasCycle(graph)).toBe(false);
  });
});

describe('resources by type', () => {
  const template = {
    Resources: {
      RoleA: { Type: 'AWS::IAM::Role' },
      Fn: { Type: 'AWS::Lambda::Function' },
      RoleB: { Type: 'AWS::IAM::Role' },
    },
  };

  test('logicalIdsOfType: in template order', () => {
    expect(logicalIdsOfType(template, 'AWS::IAM::Role')).toEqual(['RoleA', 'RoleB']);
    expect(logicalIdsOfType(template, 'AWS::KMS::Key')).toEqual([]);
  });

  test('onlyLogicalIdOfType: the one resource, by type and prefix; throws on none or several', () => {
    expect(onlyLogicalIdOfType(template, 'AWS::Lambda::Function')).toBe('Fn');
    expect(onlyLogicalIdOfType(template, 'AWS::IAM::Role', 'RoleB')).toBe('RoleB');
    expect(() => onlyLogicalIdOfType(template, 'AWS::IAM::Role')).toThrow(/exactly one AWS::IAM::Role, found 2: RoleA, RoleB/);
    expect(() => onlyLogicalIdOfType(template, 'AWS::KMS::Key')).toThrow(/found 0/);
  });

  test('an assertions Template reads the same as its JSON', () => {
    const asTemplate = Template.fromJSON(template);
    expect(resourcesOf(asTemplate)).toEqual(template.Resources);
    expect(logicalIdsOfType(asTemplate, 'AWS::IAM::Role')).toEqual(['RoleA', 'RoleB']);
    expect(resourcesOf({})).toEqual({});
  });
});

describe('maskAssetHashes', () => {
  const hash = '2ed271b684836ecd35a545f13a3c88f9d436b3117bf4c90e2de69898a02291b1';

  test('masks every asset hash, at any depth, and nothing else', () => {
    const code = { S3Bucket: { 'Fn::Sub': 'cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}' }, S3Key: `${hash}.zip` };
    const value = { Fn: { Properties: { Code: code, Other: [`asset.${hash}.lambda`, 'abc'] } }, Short: hash.slice(1), Long: `${hash}0` };
    expect(maskAssetHashes(value)).toEqual({
      Fn: { Properties: { Code: { ...code, S3Key: '<asset hash>.zip' }, Other: ['asset.<asset hash>.lambda', 'abc'] } },
      Short: hash.slice(1),
      Long: `${hash}0`,
    });
    expect(value.Fn.Properties.Code.S3Key).toBe(`${hash}.zip`);
  });
});

describe('importedValue', () => {
  const producer = {
    Resources: {},
    Outputs: {
      Out: { Value: { 'Fn::GetAtt': ['Channel', 'Arn'] }, Export: { Name: 'Producer:ChannelArn' } },
      Local: { Value: 'not exported' },
    },
  };

  test('the value of the output exported under the name', () => {
    expect(importedValue({ 'Fn::ImportValue': 'Producer:ChannelArn' }, [{}, Template.fromJSON(producer)])).toEqual({ 'Fn::GetAtt': ['Channel', 'Arn'] });
  });

  test.each([
    ['not an import', { Ref: 'X' }, /not an import/],
    ['an import of a computed name', { 'Fn::ImportValue': { 'Fn::Sub': '${AWS::StackName}:X' } }, /not an import of a literal export name/],
    ['a name nobody exports', { 'Fn::ImportValue': 'Nope' }, /found 0/],
  ])('throws for %s', (_what, value, message) => {
    expect(() => importedValue(value, [producer])).toThrow(message);
  });

  test('throws for a name exported twice', () => {
    expect(() => importedValue({ 'Fn::ImportValue': 'Producer:ChannelArn' }, [producer, producer])).toThrow(/found 2/);
  });
});
