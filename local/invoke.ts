/** Invoke a Lambda handler module the way Lambda would: same module, same event shapes. */
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import type { Context } from 'aws-lambda';

type AnyHandler = (event: unknown, context: Context) => Promise<unknown>;
const modules = new Map<string, Promise<AnyHandler>>();

export function loadHandler(file: string): Promise<AnyHandler> {
  let h = modules.get(file);
  if (!h) {
    h = import(pathToFileURL(resolve(file)).href).then((m: { handler?: AnyHandler }) => {
      if (typeof m.handler !== 'function') throw new Error(`${file} exports no handler`);
      return m.handler;
    });
    modules.set(file, h);
  }
  return h;
}

export function lambdaContext(functionName: string): Context {
  return {
    awsRequestId: randomUUID(),
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export async function invoke(file: string, event: unknown): Promise<unknown> {
  const handler = await loadHandler(file);
  return handler(event, lambdaContext(file.replace(/^functions\//, '').replace(/\.ts$/, '')));
}
