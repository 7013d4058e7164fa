/**
 * How every Lambda handler is bundled, written once for the stack (NodejsFunction)
 * and the foundation benchmark (esbuild API), so the bench measures the bytes we ship.
 * Plain data, no aws-cdk-lib import: the bench should not pay for loading the CDK.
 */

/** ESM output has no `require`; a few CommonJS dependencies (the AWS SDK's) still call it. */
export const ESM_REQUIRE_BANNER = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/**
 * Lambda runs Node 24; targeting node20 lets the bench import the very same bundle on the
 * Node 20 dev machines, and for this code base it emits the same output as node24.
 */
export const ESBUILD_TARGET = 'node20';

export const bundlingSettings = {
  format: 'esm',
  target: ESBUILD_TARGET,
  minify: true,
  sourceMap: true,
  // Stack traces keep file and line (NODE_OPTIONS=--enable-source-maps); the sources themselves stay out of the zip.
  sourcesContent: false,
  banner: ESM_REQUIRE_BANNER,
  mainFields: ['module', 'main'],
  // The SDK is bundled too: a pinned, tree-shaken copy instead of whatever the runtime ships.
  externalModules: [] as string[],
} as const;

/** The same settings for esbuild's build API (bench/bundle.ts). */
export const esbuildBuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: ESBUILD_TARGET,
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  banner: { js: ESM_REQUIRE_BANNER },
  mainFields: ['module', 'main'],
  external: [] as string[],
} as const;

/** The `$default` route's handler: deployed and benchmarked, but not a route of the route table. */
export const NOT_FOUND_HANDLER_FILE = 'functions/not-found.ts';
