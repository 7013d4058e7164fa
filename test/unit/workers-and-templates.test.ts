import { describe, expect, it } from 'vitest';
import { matchesFilter, streamWorkers } from '../../shared/workers.js';
import { lifetimeText, render, templates } from '../../shared/email/templates.js';
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

describe('email templates', () => {
  it('every template has a subject, a text part and an HTML part, and escapes HTML', () => {
    for (const name of Object.keys(templates)) {
      const mail = render(name, {
        token: 'tok', inviterName: '<b>Eve</b>', workspaceName: 'Acme & Co', roleName: 'Admin', expiresAt: '2026-12-01',
        members: ['A <x>'], seatLimit: 3, workspaceId: 'ws_1', sharedByName: 'Eve', integrationName: 'CRM', as: 'user',
        integrationId: 'int_1', adminName: 'Eve', appName: 'Mailer', appId: 'app-1',
      });
      expect(mail.subject.length).toBeGreaterThan(0);
      expect(mail.text.length).toBeGreaterThan(0);
      expect(mail.html).toContain('<html>');
      expect(mail.html).not.toContain('<b>Eve</b>');
      expect(mail.html).not.toContain('A <x>');
    }
  });

  it('links are built from PUBLIC_URL', () => {
    expect(render('sign-in-link', { token: 'abc' }).text).toContain('http://127.0.0.1:3000/auth/email-link/abc');
    expect(render('sign-in-link', { token: 'abc', lifetimeSeconds: 3600 }).text).toContain('expires in 1 hour.');
    expect([lifetimeText(900), lifetimeText(7200), lifetimeText(90), lifetimeText(60)]).toEqual(['15 minutes', '2 hours', '90 seconds', '1 minute']);
    expect(render('invitation', { token: 'xyz' }).html).toContain('http://127.0.0.1:3000/invitations/xyz');
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
