/**
 * The layer rules of eslint.config.js, shown catching deliberate violations:
 * functions → shared/http → shared/domain → adapters (shared/data, shared/email,
 * shared/auth) → AWS SDK, nothing upward, and the modules directly in shared/ below all.
 * Each snippet is linted as if it were a file at that path, with the repository's config.
 */
import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import { join } from 'node:path';

const eslint = new ESLint({ cwd: join(import.meta.dirname, '../..') });

/** The imports of `source` that the layer rule refuses when the file sits at `path`. */
async function refused(path: string, ...imports: string[]): Promise<string[]> {
  const code = imports.map((m, i) => `import * as m${i} from '${m}';\nexport const use${i} = m${i};\n`).join('');
  const [result] = await eslint.lintText(code, { filePath: path });
  const layerErrors = result!.messages.filter((m) => m.ruleId === 'no-restricted-imports');
  const otherErrors = result!.messages.filter((m) => m.ruleId !== 'no-restricted-imports' && m.severity === 2);
  expect(otherErrors).toEqual([]); // the snippet itself is clean: only the layer rule may speak
  return layerErrors.map((m) => imports[(m.line - 1) / 2]!);
}

describe('layer rules (eslint.config.js)', () => {
  it('the domain may use adapters and neutral modules, never the AWS SDK, HTTP or anything above', async () => {
    expect(await refused('shared/domain/x.ts', '../data/members.js', '../email/sender.js', '../auth/secrets.js', '../errors.js', '../clock.js', './permissions.js')).toEqual([]);
    expect(await refused('shared/domain/x.ts', '@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb', '../http/responses.js', '../http/oauth-client.js', '../../functions/get-me.js', '../../local/server.js'))
      .toEqual(['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb', '../http/responses.js', '../http/oauth-client.js', '../../functions/get-me.js', '../../local/server.js']);
  });

  for (const adapter of ['data', 'email', 'auth']) {
    it(`shared/${adapter} (an adapter) may use the AWS SDK and neutral modules, never the domain or HTTP`, async () => {
      expect(await refused(`shared/${adapter}/x.ts`, '@aws-sdk/client-dynamodb', '@aws-sdk/client-sesv2', '../errors.js', '../html.js', '../admin-roles.js', '../scopes.js', '../data/core.js')).toEqual([]);
      expect(await refused(`shared/${adapter}/x.ts`, '../domain/permissions.js', '../domain/members.js', '../http/responses.js', '../http/handler.js', '../../functions/get-me.js'))
        .toEqual(['../domain/permissions.js', '../domain/members.js', '../http/responses.js', '../http/handler.js', '../../functions/get-me.js']);
    });
  }

  it('shared/http may use the domain, never the data layer (it goes through the domain), the SDK or the functions', async () => {
    expect(await refused('shared/http/x.ts', '../domain/access.js', '../auth/access-tokens.js', '../errors.js', './responses.js')).toEqual([]);
    expect(await refused('shared/http/x.ts', '../data/core.js', '@aws-sdk/lib-dynamodb', '../../functions/get-me.js'))
      .toEqual(['../data/core.js', '@aws-sdk/lib-dynamodb', '../../functions/get-me.js']);
  });

  it('the neutral modules directly in shared/ import no layer at all', async () => {
    expect(await refused('shared/x.ts', './errors.js', './clock.js', 'ulid')).toEqual([]);
    expect(await refused('shared/x.ts', './domain/permissions.js', './http/responses.js', './data/core.js', './email/templates.js', './auth/secrets.js'))
      .toEqual(['./domain/permissions.js', './http/responses.js', './data/core.js', './email/templates.js', './auth/secrets.js']);
  });

  it('a type-only import is refused like any other', async () => {
    const [result] = await eslint.lintText("import type { Member } from '../domain/members.js';\nexport type M = Member;\n", { filePath: 'shared/data/x.ts' });
    expect(result!.messages.map((m) => m.ruleId)).toEqual(['no-restricted-imports']);
  });
});
