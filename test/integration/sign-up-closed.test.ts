/** With open sign-up off, unknown emails get no link, but the answer is the same 202. */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => { process.env.OPEN_SIGN_UP = 'false'; });

import { startHarness, uniqueEmail, type Harness } from '../support/harness.js';
import { emailsTo } from '../support/mail.js';
import { signIn } from '../support/given.js';
import { transact } from '../../shared/data/core.js';
import { putUserParts } from '../../shared/data/users.js';
import { newId } from '../../shared/ids.js';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h.runtime.stop(); });

describe('closed sign-up', () => {
  it('answers 202 {} for an unknown email and sends nothing', async () => {
    const email = uniqueEmail('stranger');
    const r = await h.request('POST', '/auth/email-link', { body: { email } });
    expect(r.status).toBe(202);
    expect(r.json).toEqual({});
    await h.drain();
    expect(await emailsTo(email)).toHaveLength(0);
  });

  it('still sends links to existing users', async () => {
    const email = uniqueEmail('known');
    const now = new Date().toISOString();
    await transact(putUserParts({ id: newId('usr'), email, fullName: 'Known Person', createdAt: now, updatedAt: now }));
    const person = await signIn(h, email);
    const me = await h.request('GET', '/me', { token: person.token });
    expect(me.json.user).toMatchObject({ email, fullName: 'Known Person' });
  });
});
