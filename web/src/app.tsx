import type { FunctionComponent } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { LangSwitch, Loading, ErrorText } from './components/ui';
import { WorkspaceContext } from './context';
import { api } from './api';
import { getAll } from './hooks';
import { I18nContext, initialLang, storeLang, translator, useI18n, type Lang } from './i18n';
import { AlertsPage } from './pages/alerts';
import { AccountPage } from './pages/account';
import { AreasPage } from './pages/areas';
import { AuditPage } from './pages/audit';
import { BroadcastsPage } from './pages/broadcasts';
import { ComposePage } from './pages/compose';
import { EmergencyPage } from './pages/emergency';
import { LibraryPage } from './pages/library';
import { LoginPage } from './pages/login';
import { ReceiversPage } from './pages/receivers';
import { ReportsPage } from './pages/reports';
import { SchedulesPage } from './pages/schedules';
import { UsersPage } from './pages/users';
import { ACCOUNT_PATH, homePath, PAGES, type PageName } from './roles';
import { navigate, usePath } from './router';
import { getSession, onSessionChange, setSession, type Session } from './session';
import type { Area } from './types';

const PAGE_VIEWS: Record<PageName, FunctionComponent> = {
  library: LibraryPage,
  receivers: ReceiversPage,
  schedules: SchedulesPage,
  broadcasts: BroadcastsPage,
  reports: ReportsPage,
  audit: AuditPage,
  areas: AreasPage,
  users: UsersPage,
  emergency: EmergencyPage,
  compose: ComposePage,
  alerts: AlertsPage,
  account: AccountPage,
};

export function App() {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const [session, setSessionState] = useState<Session | null>(getSession);
  useEffect(() => onSessionChange(setSessionState), []);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  // Stored as it is chosen, not in an effect after the next paint: a reload straight after keeps it.
  const i18n = useMemo(() => ({ lang, setLang: (next: Lang) => (storeLang(next), setLangState(next)), t: translator(lang) }), [lang]);
  return <I18nContext.Provider value={i18n}>{session ? <Console session={session} /> : <LoginPage />}</I18nContext.Provider>;
}

function Console({ session }: { session: Session }) {
  const { t } = useI18n();
  const path = usePath();
  const { user } = session;
  const [areas, setAreas] = useState<Area[] | null>(null);
  const [areasError, setAreasError] = useState<unknown>(null);
  const [menuOpen, setMenuOpen] = useState(false);
  const loadAreas = () => getAll((page) => api.GET('/api/v1/areas', { params: { query: page } })).then(setAreas, setAreasError);
  // Nothing but the account page answers before a required second factor is on; then the areas load.
  useEffect(() => void (user.mustEnrolTotp ? setAreas([]) : loadAreas()), [user.mustEnrolTotp]);

  // A user who must enrol a second factor first (LOA_REQUIRE_TOTP) gets the account page only: the server refuses the rest.
  const pages = PAGES.filter((page) => page.allowed(user.role) && (!user.mustEnrolTotp || page.path === ACCOUNT_PATH));
  const menu = pages.filter((page) => page.inMenu !== false);
  const current = pages.find((page) => path === page.path || path.startsWith(`${page.path}/`));
  const home = user.mustEnrolTotp ? ACCOUNT_PATH : homePath(user.role);
  useEffect(() => {
    if (!current) navigate(home, true);
  }, [current, home]);
  useEffect(() => setMenuOpen(false), [path]);
  useEffect(() => {
    document.title = current ? `${t(`nav.${current.name}`)} · Loa` : 'Loa';
  }, [current, t]);

  const View = current ? PAGE_VIEWS[current.name] : null;
  return (
    <WorkspaceContext.Provider value={areas ? { user, areas, reloadAreas: loadAreas } : null}>
      <a class="skip-link" href="#main">{t('common.skipToContent')}</a>
      <header class="topbar">
        <a class="brand" href="/" onClick={(e) => (e.preventDefault(), navigate(home))}>
          <img src="/favicon.svg" alt="" width="28" height="28" />
          <span>Loa</span>
        </a>
        <button type="button" class="menu-toggle" aria-expanded={menuOpen} aria-controls="main-nav" onClick={() => setMenuOpen(!menuOpen)}>
          {t('nav.menu')}
        </button>
        <nav id="main-nav" class={menuOpen ? 'open' : ''} aria-label={t('nav.label')}>
          <ul>
            {menu.map((page) => (
              <li key={page.name}>
                <a href={page.path} class={page.name === 'emergency' ? 'nav-emergency' : ''} aria-current={current?.name === page.name ? 'page' : undefined}
                  onClick={(e) => (e.preventDefault(), navigate(page.path))}>
                  {t(`nav.${page.name}`)}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="account">
          <LangSwitch />
          <a class="who" href={ACCOUNT_PATH} title={t('nav.account')} aria-current={current?.name === 'account' ? 'page' : undefined}
            onClick={(e) => (e.preventDefault(), navigate(ACCOUNT_PATH))}>
            {user.username} <small>· {t(`role.${user.role}`)}</small>
          </a>
          <button type="button" class="secondary small" onClick={() => (setSession(null), navigate('/', true))}>{t('auth.logout')}</button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <ErrorText error={areasError} />
        {!areas ? <Loading show /> : View && <View />}
      </main>
      <footer class="footer">
        <a href="/api/docs">{t('nav.apiDocs')}</a>
        {user.role === 'admin' && <a href="/admin/queues">{t('nav.queues')}</a>}
      </footer>
    </WorkspaceContext.Provider>
  );
}
