/**
 * Email templates are typed: each renders from its own example (TemplateData), so a
 * field the template reads but the example lacks fails tsc here, and a queued
 * message missing a field fails the send rather than rendering a blank.
 */
import { describe, expect, it } from 'vitest';
import { lifetimeText, render, renderStored, templates, type TemplateData, type TemplateName } from '../../shared/email/templates.js';
import { emailPart } from '../../shared/domain/events.js';

const hostile = '<b>Eve</b> & "co"';

/** One example per template; the mapped type makes a missing template or field a compile error. */
const examples: { [K in TemplateName]: TemplateData[K] } = {
  'sign-in-link': { token: 'tok_sign_in', lifetimeSeconds: 3600 },
  invitation: { token: 'tok_invite', inviterName: hostile, workspaceName: 'Acme & Co', roleName: 'Admin', expiresAt: '2026-12-01T10:00:00.000Z' },
  'member-deactivated': { workspaceName: hostile },
  'admin-members-deactivated': { workspaceId: 'ws_1', workspaceName: 'Acme', seatLimit: 3, members: ['A <x>', 'Bea'], total: 5 },
  'integration-shared': { workspaceId: 'ws_1', integrationId: 'int_1', integrationName: 'CRM', workspaceName: 'Acme', sharedByName: hostile, as: 'user' },
  'app-added': { workspaceId: 'ws_1', appId: 'app-1', appName: 'Mailer', workspaceName: 'Acme', adminName: hostile },
};
const names = Object.keys(templates) as TemplateName[];

describe('email templates', () => {
  it('each renders from its own typed example: subject, text and HTML, every field shown, HTML escaped', () => {
    expect(names.sort()).toEqual(Object.keys(examples).sort());
    for (const name of names) {
      const data = examples[name] as Record<string, unknown>;
      const mail = render(name, examples[name] as never);
      expect(mail.subject.length, name).toBeGreaterThan(0);
      expect(mail.html).toContain('<html>');
      expect(mail.html).not.toContain('<b>Eve</b>');
      expect(mail.html).not.toContain('A <x>');
      // Every field of the example reaches the text (numbers as the reader sees them, lists item by item).
      for (const [field, value] of Object.entries(data)) {
        const shown = field === 'lifetimeSeconds' ? [lifetimeText(value as number)] : Array.isArray(value) ? value as string[] : [String(value)];
        for (const v of shown) expect(mail.text, `${name}.${field}`).toContain(v);
      }
    }
  });

  it('the sign-in text states the configured lifetime; links are built from PUBLIC_URL', () => {
    expect(render('sign-in-link', { token: 'abc', lifetimeSeconds: 900 }).text).toContain('expires in 15 minutes.');
    expect(render('sign-in-link', { token: 'abc', lifetimeSeconds: 7200 }).text).toContain('expires in 2 hours.');
    expect(render('sign-in-link', examples['sign-in-link']).text).toContain('http://127.0.0.1:3000/');
    expect([lifetimeText(900), lifetimeText(7200), lifetimeText(90), lifetimeText(60)]).toEqual(['15 minutes', '2 hours', '90 seconds', '1 minute']);
  });

  it('the admin summary counts everyone though it names only the first', () => {
    expect(render('admin-members-deactivated', examples['admin-members-deactivated']).text).toContain('…and 3 more');
  });

  it('a stored message with an unknown template or a missing field fails the send instead of rendering a blank', () => {
    expect(() => renderStored('welcome', {})).toThrow('Unknown email template welcome');
    expect(() => renderStored('toString', {})).toThrow('Unknown email template toString');
    const { appName: _dropped, ...withoutAppName } = examples['app-added'];
    expect(() => renderStored('app-added', withoutAppName)).toThrow('Email data is missing "appName"');
    expect(renderStored('app-added', examples['app-added']).subject).toContain('Mailer');
  });

  it('queuing an email checks its data against the template at compile time', () => {
    // Never called: the @ts-expect-error lines fail `npm run typecheck` if the mistake compiled.
    const mistakes = () => [
      // @ts-expect-error a missing field
      emailPart('app-added', 'a@b.c', { workspaceId: 'ws_1', appId: 'app-1', workspaceName: 'Acme', adminName: 'Eve' }),
      // @ts-expect-error a misspelt field
      emailPart('member-deactivated', 'a@b.c', { workspaceNme: 'Acme' }),
      // @ts-expect-error an unknown template
      emailPart('welcome', 'a@b.c', {}),
      // @ts-expect-error a link template needs its token, sealed: linkEmailPart
      emailPart('invitation', 'a@b.c', { inviterName: 'Eve', workspaceName: 'Acme', roleName: 'Admin', expiresAt: 'x' }),
    ];
    expect(typeof mistakes).toBe('function');
    expect(emailPart('member-deactivated', 'a@b.c', examples['member-deactivated']).name).toMatch(/^outbox:/);
  });
});
