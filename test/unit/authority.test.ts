/**
 * The authority rule as pure functions (shared/domain/authority.ts): whoever hands
 * out authority holds all of it, so along any chain of grants — a person gives a
 * role, its holder gives another, someone sets an app's access type, someone else
 * resets its secret — what the last holder can do is within what the first could.
 * Properties over random permission sets (fast-check), then the built-in roles by name.
 * The HTTP paths that call these are walked in test/integration/escalation.test.ts.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  appPermissions, assertAppMayUseScope, assertHolds, assertMayGrantPermissions, assertMayHoldApp, assertNotOwnRole,
  ceilingForAccessType, missingPermissions, permissionsOfScopes,
} from '../../shared/domain/authority.js';
import {
  ACCESS_TYPE_NAMES, ACCESS_TYPES, BUILT_IN_ROLES, GRANTING_SCOPES, INCLUDES, PERMISSIONS, SCOPES, builtInRole,
  type AccessType, type Permission, type Scope,
} from '../../shared/domain/permissions.js';
import type { Access } from '../../shared/domain/access.js';
import { ForbiddenError } from '../../shared/errors.js';

const permissionSet = fc.uniqueArray(fc.constantFrom(...PERMISSIONS)).map((ps) => new Set<Permission>(ps));
const scopeList = fc.uniqueArray(fc.constantFrom(...SCOPES)) as fc.Arbitrary<Scope[]>;
const accessType = fc.constantFrom(...ACCESS_TYPE_NAMES);

/** What holding `held` lets one do: the permissions and every narrower one they include (written out here, not taken from authority.ts). */
const reach = (held: Iterable<Permission>): Set<Permission> => {
  const out = new Set<Permission>(held);
  for (let grew = true; grew;) {
    grew = false;
    for (const p of [...out]) for (const q of INCLUDES[p] ?? []) if (!out.has(q)) { out.add(q); grew = true; }
  }
  return out;
};
const within = (a: Iterable<Permission>, b: Iterable<Permission>) => {
  const r = reach(b);
  return [...reach(a)].every((p) => r.has(p));
};

const person = (ceiling: Iterable<Permission>, userId = 'usr_me'): Access => {
  const held = new Set(ceiling);
  return {
    principal: { type: 'user', userId }, actor: { type: 'user', id: userId }, workspaceId: 'ws_x',
    permissions: held, ceiling: held, scopes: new Set(),
  };
};
const app = (scopes: Scope[], ceiling: Iterable<Permission>): Access => ({
  principal: { type: 'app', clientId: 'app_x', workspaceId: 'ws_x', scopes, generation: 1 },
  actor: { type: 'app', id: 'app_x' }, workspaceId: 'ws_x',
  permissions: appPermissions(scopes, new Set(ceiling)), ceiling: new Set(ceiling), scopes: new Set(scopes),
});

const refusal = (fn: () => void): Permission[] | undefined => {
  try {
    fn();
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(ForbiddenError);
    expect((err as ForbiddenError).statusCode).toBe(403);
    return ((err as ForbiddenError).details as { missing: Permission[] }).missing;
  }
};

describe('missingPermissions: what a grant needs that the granter lacks', () => {
  it('is exactly the wanted permissions outside the granter\'s reach, in catalog order', () => {
    fc.assert(fc.property(permissionSet, permissionSet, (held, wanted) => {
      const r = reach(held);
      expect(missingPermissions(held, wanted)).toEqual(PERMISSIONS.filter((p) => wanted.has(p) && !r.has(p)));
    }));
  });

  it('shrinks as the granter holds more and grows as the grant asks more', () => {
    fc.assert(fc.property(permissionSet, permissionSet, permissionSet, (held, more, wanted) => {
      const bigger = new Set([...held, ...more]);
      const missing = new Set(missingPermissions(held, wanted));
      expect(missingPermissions(bigger, wanted).every((p) => missing.has(p))).toBe(true);
      const asksMore = new Set([...wanted, ...more]);
      const missingMore = new Set(missingPermissions(held, asksMore));
      expect([...missing].every((p) => missingMore.has(p))).toBe(true);
    }));
  });

  it('nothing is missing when the grant is what one holds, or nothing', () => {
    fc.assert(fc.property(permissionSet, (held) => {
      expect(missingPermissions(held, held)).toEqual([]);
      expect(missingPermissions(held, [])).toEqual([]);
      expect(missingPermissions(held, reach(held))).toEqual([]);
    }));
  });
});

describe('authority never grows along a chain of grants', () => {
  it('each holder may grant only within its own reach, so the last holder can do no more than the first', () => {
    // A chain: person 0 holds a set; each next holder is asked for part of what the previous one
    // reaches, sometimes plus one more permission, and gets it if the rule allows.
    const step = fc.record({ keep: fc.uniqueArray(fc.constantFrom(...PERMISSIONS)), extra: fc.option(fc.constantFrom(...PERMISSIONS)) });
    let granted = 0;
    let refused = 0;
    fc.assert(fc.property(permissionSet, fc.array(step, { maxLength: 8 }), (first, steps) => {
      let holder = first;
      for (const { keep, extra } of steps) {
        const ask = new Set([...keep.filter((p) => reach(holder).has(p)), ...(extra ? [extra] : [])]);
        const allowed = refusal(() => assertMayGrantPermissions(person(holder), [...ask])) === undefined;
        expect(allowed).toBe(within(ask, holder));
        if (allowed) {
          if (ask.size > 0) granted++;
          holder = ask;
        } else {
          refused++;
        }
        expect(within(holder, first)).toBe(true);
      }
    }), { numRuns: 300 });
    // Both branches were exercised, many times.
    expect(granted).toBeGreaterThan(50);
    expect(refused).toBeGreaterThan(50);
  });

  it('a refusal names what is missing, and granting exactly the rest is allowed', () => {
    fc.assert(fc.property(permissionSet, permissionSet, (held, wanted) => {
      const missing = refusal(() => assertHolds(person(held), wanted, 'test')) ?? [];
      expect(missing).toEqual(missingPermissions(held, wanted));
      const rest = [...wanted].filter((p) => !missing.includes(p));
      expect(refusal(() => assertHolds(person(held), rest, 'test'))).toBeUndefined();
    }));
  });
});

describe('application users', () => {
  it('an access type is set only by someone holding its scopes\' permissions; the recorded ceiling is theirs, less ownership transfer', () => {
    fc.assert(fc.property(permissionSet, accessType, (held, type: AccessType) => {
      const needs = permissionsOfScopes(ACCESS_TYPES[type]);
      let ceiling: Permission[] | undefined;
      const missing = refusal(() => { ceiling = ceilingForAccessType(person(held), type); });
      expect(missing === undefined).toBe(within(needs, held));
      if (!ceiling) return;
      expect(ceiling.every((p) => held.has(p))).toBe(true);
      expect(ceiling).not.toContain('workspace.transfer_ownership');
      // What the app can then do is within its creator's reach.
      expect(within(appPermissions(ACCESS_TYPES[type], new Set(ceiling)), held)).toBe(true);
    }));
  });

  it('an app uses a scope only while its ceiling holds the scope\'s permission', () => {
    fc.assert(fc.property(scopeList, permissionSet, (scopes, ceiling) => {
      const can = appPermissions(scopes, ceiling);
      expect([...can].every((p) => ceiling.has(p))).toBe(true);
      for (const s of scopes) {
        const refused = refusal(() => assertAppMayUseScope(ceiling, s));
        expect(refused === undefined).toBe(reach(ceiling).has(permissionsOfScopes([s]).values().next().value!));
      }
    }));
  });

  it('taking over an app (resetting its secret) needs all it can do, its whole ceiling when it hands out roles', () => {
    fc.assert(fc.property(permissionSet, scopeList, permissionSet, (held, scopes, ceiling) => {
      const allowed = refusal(() => assertMayHoldApp(person(held), { scopes, ceiling: [...ceiling] })) === undefined;
      const grants = scopes.some((s) => GRANTING_SCOPES.includes(s));
      const needs = [...permissionsOfScopes(scopes), ...(grants ? ceiling : [])];
      expect(allowed).toBe(within(needs, held));
      if (allowed) expect(within(appPermissions(scopes, ceiling), held)).toBe(true);
    }));
  });

  it('an app hands out roles only within its recorded ceiling, whatever its scopes', () => {
    fc.assert(fc.property(scopeList, permissionSet, permissionSet, (scopes, ceiling, ask) => {
      const allowed = refusal(() => assertMayGrantPermissions(app(scopes, ceiling), [...ask])) === undefined;
      expect(allowed).toBe(within(ask, ceiling));
    }));
  });
});

describe('the built-in roles', () => {
  const perms = (id: string) => builtInRole(id)!.permissions;
  const missingToGive = (from: string, to: string) => missingPermissions(new Set(perms(from)), perms(to));

  it('the owner can give every built-in role\'s permissions; an admin all but ownership transfer', () => {
    for (const r of BUILT_IN_ROLES) expect(missingToGive('owner', r.id)).toEqual([]);
    for (const r of BUILT_IN_ROLES.filter((x) => x.id !== 'owner')) expect(missingToGive('admin', r.id)).toEqual([]);
    expect(missingToGive('admin', 'owner')).toEqual(['workspace.transfer_ownership']);
  });

  it('broader permissions include narrower ones: an admin may give contributor and reader (folder rights by inclusion)', () => {
    expect(perms('admin')).not.toContain('transactions.edit_permitted_folders');
    expect(perms('contributor')).toContain('transactions.edit_permitted_folders');
    expect(missingToGive('admin', 'contributor')).toEqual([]);
    expect(missingToGive('admin', 'reader')).toEqual([]);
  });

  it('below admin nobody can give admin, and a reader cannot give a contributor role', () => {
    expect(missingToGive('integrator', 'admin')).toEqual(expect.arrayContaining(['members.manage', 'workspace.manage']));
    expect(missingToGive('contributor_plus', 'admin')).toContain('members.manage');
    expect(missingToGive('reader', 'contributor')).toEqual(expect.arrayContaining(['integrations.create', 'transactions.edit_permitted_folders']));
    expect(missingToGive('reader', 'reader')).toEqual([]);
  });

  it('nobody changes their own role; changing someone else\'s is not refused by this rule', () => {
    const me = person(perms('owner'), 'usr_me');
    expect(() => assertNotOwnRole(me, 'usr_me')).toThrow(ForbiddenError);
    expect(() => assertNotOwnRole(me, 'usr_other')).not.toThrow();
    expect(() => assertNotOwnRole(app(['members:write'], perms('admin')), 'usr_me')).not.toThrow();
  });
});
