// Session and routing: no session → sign-in; a session that ends by itself (refresh refused,
// token revoked) → sign-in with a notice; otherwise the page the hash names.
import { Provider } from '@urql/preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { createClient } from './api/client';
import { LogoutMutation, MeQuery } from './api/operations';
import { period as periodOf } from './format';
import { label, lang, setLang, t, type Lang } from './i18n';
import { Cockpit } from './pages/Cockpit';
import { Ops } from './pages/Ops';
import { RootFunds } from './pages/RootFunds';
import { SignIn } from './pages/SignIn';
import { formatRoute, homeFor, parseRoute, type Route } from './route';
import { loadTokens, onTokens, saveTokens, scopeUnionId, type Tokens } from './session';
import { FailureBox, useGql } from './ui';

export function App() {
  const [tokens, setTokens] = useState<Tokens | null>(loadTokens());
  const [notice, setNotice] = useState<string | null>(null);
  const [language, setLanguage] = useState<Lang>(lang());
  // A new client per session (and language): no figures of one person are cached for the next.
  const client = useMemo(() => createClient(), [tokens?.refreshToken === undefined, language]);
  useEffect(() => onTokens((next) => {
    // A notice is about the session that just ended: none once signed in again.
    if (next) { signedOut = false; setNotice(null); }
    else if (loadTokens() === null && !signedOut) setNotice(t('sessionExpired'));
    setTokens(next);
  }), []);
  // The server ends the session first (a refresh token left valid would outlive the tab's copy);
  // a sign-out it did not confirm (unreachable, or refused: an operation missing from a
  // safelist ...) still forgets the tokens here, and says that the session may live on.
  const signOut = async () => {
    // Signed out from here until the next sign-in: a request still in flight that then finds
    // the session gone (refused, its refresh too) is no "session expired".
    signedOut = true;
    const r = await client.mutation(LogoutMutation, {}).toPromise().catch(() => null);
    const ended = !r?.error && r?.data?.logout.errors.length === 0;
    saveTokens(null);
    setNotice(ended ? null : t('signedOutHereOnly'));
  };
  const switchLang = (next: Lang) => { setLang(next); document.documentElement.lang = next; setLanguage(next); };
  return (
    <Provider value={client}>
      <div class="topbar">
        <span class="brand">{t('title')}</span>
        <span class="spacer" />
        <button class="link" data-testid="lang" onClick={() => switchLang(language === 'en' ? 'zh-CN' : 'en')}>
          {language === 'en' ? '中文' : 'English'}
        </button>
        {tokens && <button class="link" data-testid="sign-out" onClick={signOut}>{t('signOut')}</button>}
      </div>
      <main key={language}>{tokens ? <SignedIn /> : <SignIn notice={notice} />}</main>
    </Provider>
  );
}

let signedOut = false;

function useHashRoute(): Route {
  const [route, setRoute] = useState(parseRoute(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}

function SignedIn() {
  const me = useGql(MeQuery, {});
  const route = useHashRoute();
  const person = me.data?.me;
  const token = loadTokens()?.accessToken;
  const home = person ? homeFor(person, token ? scopeUnionId(token) : null) : null;
  useEffect(() => {
    if (home && (route.page === 'home' || route.page === 'signin')) location.replace(formatRoute(home));
  }, [home?.page, route.page]);
  if (me.failure) return <FailureBox failure={me.failure} />;
  if (!person) return <p class="muted">{t('loading')}</p>;
  return (
    <>
      <nav class="nav" data-testid="nav">
        <span data-testid="who">{person.displayName} · {label('Tier', person.tier)} · {person.union.name}</span>
        <a href={formatRoute(home?.page === 'cockpit' ? home : { page: 'cockpit', unionId: person.union.id })}>{t('cockpit')}</a>
        <a href={formatRoute({ page: 'ops' })}>{t('operations')}</a>
        {person.tier === 'ADMIN' && <a href={formatRoute({ page: 'funds' })} data-testid="nav-funds">{t('rootFunds')}</a>}
      </nav>
      {route.page === 'cockpit' && <Cockpit unionId={route.unionId} period={route.period ?? periodOf(new Date())} />}
      {route.page === 'ops' && <Ops trace={route.trace} />}
      {route.page === 'funds' && <RootFunds meId={person.id} />}
    </>
  );
}
