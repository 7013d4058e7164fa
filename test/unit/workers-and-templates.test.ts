import { describe, expect, it } from 'vitest';
import { matchesFilter, streamWorkers } from '../../shared/workers.js';
import { headerText } from '../../shared/email/sender.js';
import { ConflictError, OAuthError, RateLimitedError } from '../../shared/errors.js';

const worker = (name: string) => streamWorkers.find((w) => w.name === name)!;

describe('stream filters (evaluated locally exactly as Lambda would)', () => {
  const outboxInsert = { eventName: 'INSERT', dynamodb: { NewImage: { type: { S: 'outbox' }, to: { S: 'a@b.c' } } } };
  const memberTtlRemove = {
    eventName: 'REMOVE',
    userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' },
    dynamodb: { OldImage: { type: { S: 'member' } } },
  };

  it('the notifier takes outbox inserts only', () => {
    expect(matchesFilter(worker('send-outbox-email').filter, outboxInsert)).toBe(true);
    expect(matchesFilter(worker('send-outbox-email').filter, { ...outboxInsert, eventName: 'MODIFY' })).toBe(false);
    expect(matchesFilter(worker('send-outbox-email').filter, { eventName: 'INSERT', dynamodb: { NewImage: { type: { S: 'member' } } } })).toBe(false);
  });

  it('the purge handler takes TTL deletions of members, never our own deletes', () => {
    expect(matchesFilter(worker('purge-removed-member').filter, memberTtlRemove)).toBe(true);
    const { userIdentity: _u, ...ownDelete } = memberTtlRemove;
    expect(matchesFilter(worker('purge-removed-member').filter, ownDelete)).toBe(false);
    expect(matchesFilter(worker('purge-removed-member').filter, { ...memberTtlRemove, dynamodb: { OldImage: { type: { S: 'outbox' } } } })).toBe(false);
  });
});

describe('header text', () => {
  it('turns every control character and Unicode line separator into one space', () => {
    expect(headerText('A\r\nBcc: x@y\tB\u0000C\u007fD\u0085E\u2028F\u2029G')).toBe('A Bcc: x@y B C D E F G');
    expect(headerText(' \nAcme\r\n ')).toBe('Acme');
    expect(headerText('Ünïcödé — fine')).toBe('Ünïcödé — fine');
  });
});

describe('errors', () => {
  it('render the contract shape and RFC 6749 shape', () => {
    expect(new ConflictError('role_in_use', 'In use.', { count: 2 }).toJSON()).toEqual({ error: { code: 'role_in_use', message: 'In use.', details: { count: 2 } } });
    expect(new OAuthError('invalid_client', 'nope').statusCode).toBe(401);
    expect(new OAuthError('invalid_scope', 'nope').toJSON()).toEqual({ error: 'invalid_scope', error_description: 'nope' });
    expect(new RateLimitedError(12.2).headers).toEqual({ 'retry-after': '13' });
  });
});
