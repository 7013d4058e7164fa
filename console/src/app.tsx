/** The shell: who is signed in, the workspace switcher, the navigation, and the page for the path. */
import { useEffect, useState } from 'preact/hooks';
import { api, must, type Schemas } from './api/client';
import { CALLBACK_PATH, completeCallback, onSessionChange, refreshSession, setNavigator, signOut } from './auth/session';
import { interceptLinks, match, navigate, useLocation } from './router';
import { Toasts } from './ui/toast';
import { Loading } from './ui/async';
import { SignIn } from './pages/sign-in';
import { Workspaces } from './pages/workspaces';
import { Profile } from './pages/profile';
import { workspacePages } from './pages/workspace-pages';

type Phase = 'starting' | 'signed-out' | 'signed-in' | 'callback-failed';

setNavigator((path) => navigate(path, true));

export function App() {
  const { path } = useLocation();
  const [phase, setPhase] = useState<Phase>('starting');
  const [me, setMe] = useState<Schemas['Me']>();

  useEffect(() => onSessionChange((signedIn) => setPhase((p) => (signedIn ? 'signed-in' : p === 'callback-failed' ? p : 'signed-out'))), []);
  useEffect(() => {
    if (location.pathname === CALLBACK_PATH) {
      void completeCallback().then(({ ok, path: to }) => {
        if (ok) navigate(to, true);
        else { setPhase('callback-failed'); history.replaceState(null, '', `/console/sign-in?next=${encodeURIComponent(to)}`); }
      });
    } else void refreshSession();
  }, []);
  useEffect(() => {
    if (phase === 'signed-in') void must(api.GET('/me')).then(setMe, () => setMe(undefined));
  }, [phase, path]);

  if (phase === 'starting') return <main id="main"><Loading /></main>;
  if (phase !== 'signed-in') {
    const next = path === '/console/sign-in' ? new URLSearchParams(location.search).get('next') ?? '/console/' : location.pathname + location.search;
    return <SignIn next={next} callbackFailed={phase === 'callback-failed'} />;
  }
  return (
    <div class="shell" onClick={interceptLinks}>
      <a class="skip" href="#main">Skip to content</a>
      <Header me={me} path={path} />
      <main id="main" tabIndex={-1}>{me ? <Page me={me} path={path} reloadMe={() => void must(api.GET('/me')).then(setMe)} /> : <Loading />}</main>
      <Toasts />
    </div>
  );
}

function currentWorkspace(path: string): string | undefined {
  return /^\/console\/workspaces\/(ws_[A-Za-z0-9]+)/.exec(path)?.[1];
}

function Header({ me, path }: { me?: Schemas['Me']; path: string }) {
  const ws = currentWorkspace(path);
  const mine = me?.workspaces.filter((w) => w.status === 'active') ?? [];
  return (
    <header>
      <a class="brand" href="/console/">Roster</a>
      {mine.length > 0 && (
        <label class="switcher">
          <span class="visually-hidden">Workspace</span>
          <select value={ws ?? ''} onChange={(e) => navigate(`/console/workspaces/${(e.target as HTMLSelectElement).value}/members`)}>
            {!ws && <option value="">Choose a workspace</option>}
            {mine.map((w) => <option key={w.id} value={w.id}>{w.name}</option>)}
          </select>
        </label>
      )}
      {ws && (
        <nav aria-label="Workspace">
          {workspacePages.map((p) => (
            <a key={p.slug} href={`/console/workspaces/${ws}/${p.slug}`} aria-current={path.startsWith(`/console/workspaces/${ws}/${p.slug}`) ? 'page' : undefined}>{p.title}</a>
          ))}
        </nav>
      )}
      <span class="who">
        <a href="/console/profile">{me?.user.fullName ?? 'Profile'}</a>
        <button type="button" class="link" onClick={() => void signOut()}>Sign out</button>
      </span>
    </header>
  );
}

function Page({ me, path, reloadMe }: { me: Schemas['Me']; path: string; reloadMe: () => void }) {
  if (path === '/console/' || path === '/console' || path === '/console/sign-in') return <Workspaces me={me} onCreated={reloadMe} />;
  if (path === '/console/profile') return <Profile me={me} onSaved={reloadMe} />;
  for (const p of workspacePages) {
    for (const [suffix, Component] of p.routes) {
      const params = match(`/console/workspaces/:ws/${p.slug}${suffix}`, path);
      if (params) return <Component ws={params.ws!} params={params} me={me} />;
    }
  }
  return <><h1>Page not found</h1><p><a href="/console/">Back to your workspaces</a></p></>;
}
