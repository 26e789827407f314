/**
 * Runs a bundled Lambda handler the way Lambda does, for the deployment simulation: one fresh
 * module instance per invocation (module-level state such as a cached SDK client is never shared,
 * as between separate execution environments), a context whose `getRemainingTimeInMillis()` counts
 * down to the function's timeout, and the invocation abandoned at that timeout.
 *
 * The bundle is compiled once (vm.Script) and its module wrapper run afresh for each invocation,
 * which gives fresh module state without recompiling 1 MB of JavaScript a hundred times.
 */
import * as fs from 'fs';
import { Module } from 'module';
import * as path from 'path';
import * as vm from 'vm';

type Wrapper = (exports: object, require: NodeJS.Require, module: { exports: any }, filename: string, dirname: string) => void;

export interface Invocation {
  readonly durationMs: number;
  /** The function ran out of time (Lambda would have killed it). */
  readonly timedOut: boolean;
  /** The handler threw (Lambda would retry an asynchronous invocation). */
  readonly error?: string;
}

export class LambdaRunner {
  private readonly wrapper: Wrapper;

  constructor(private readonly bundleFile: string) {
    const source = fs.readFileSync(bundleFile, 'utf8');
    this.wrapper = new vm.Script(Module.wrap(source), { filename: bundleFile }).runInThisContext() as Wrapper;
  }

  /** A fresh instance of the bundle's module: its exports. */
  public load(): { handler: (event: unknown, context: unknown) => Promise<void> } {
    const module = { exports: {} as any };
    this.wrapper.call(module.exports, module.exports, require, module, this.bundleFile, path.dirname(this.bundleFile));
    return module.exports;
  }

  /** Invokes the handler of a fresh instance with a function timeout of `timeoutMs`. */
  public async invoke(event: unknown, timeoutMs: number): Promise<Invocation> {
    const instance = this.load();
    const started = Date.now();
    const context = {
      functionName: 'MediaStorageLinkFunction',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:MediaStorageLinkFunction',
      memoryLimitInMB: '128',
      awsRequestId: `lambda-${started}`,
      logGroupName: '/aws/lambda/MediaStorageLinkFunction',
      logStreamName: '2026/01/01/[$LATEST]simulation',
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => Math.max(0, started + timeoutMs - Date.now()),
    };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => timer = setTimeout(() => resolve('timeout'), timeoutMs));
    try {
      const outcome = await Promise.race([instance.handler(event, context).then(() => 'done' as const), timeout]);
      return { durationMs: Date.now() - started, timedOut: outcome === 'timeout' };
    } catch (e) {
      return { durationMs: Date.now() - started, timedOut: false, error: String((e as Error)?.message ?? e) };
    } finally {
      clearTimeout(timer);
    }
  }
}
