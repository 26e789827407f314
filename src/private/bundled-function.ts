import * as path from 'path';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

/** Props of a BundledFunction. */
export interface BundledFunctionProps extends lambda.FunctionOptions {
  /**
   * The handler's entry point under src/handlers/, without `.ts` (`media-storage-link/index.lambda`):
   * the build bundles it into assets/handlers/<bundle>/index.js (`handlerBundle` in .projenrc.ts).
   */
  readonly bundle: string;
}

/** A Lambda function that runs one of the library's handler bundles on Node.js 24. */
export class BundledFunction extends lambda.Function {
  constructor(scope: Construct, id: string, props: BundledFunctionProps) {
    const { bundle, ...options } = props;
    super(scope, id, {
      description: `src/handlers/${bundle}.ts`,
      ...options,
      runtime: new lambda.Runtime('nodejs24.x', lambda.RuntimeFamily.NODEJS),
      handler: 'index.handler',
      code: lambda.Code.fromAsset(path.join(__dirname, '../../assets/handlers', bundle)),
    });
    // The SDK's keep-alive (a default since SDK v3, kept as the function classes projen made had it).
    this.addEnvironment('AWS_NODEJS_CONNECTION_REUSE_ENABLED', '1', { removeInEdge: true });
  }
}
