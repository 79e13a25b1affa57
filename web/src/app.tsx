import type { FunctionComponent } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { LangSwitch, Loading, ErrorText } from './components/ui';
import { WorkspaceContext } from './context';
import { api } from './api';
import { getAll } from './hooks';
import { I18nContext, initialLang, storeLang, translator, useI18n, type Lang } from './i18n';
import { AlertsPage } from './pages/alerts';
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
import { homePath, PAGES, type PageName } from './roles';
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
  emergency: EmergencyPage,
  compose: ComposePage,
  alerts: AlertsPage,
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
  useEffect(() => void loadAreas(), []);

  const pages = PAGES.filter((page) => page.allowed(user.role));
  const current = pages.find((page) => path === page.path || path.startsWith(`${page.path}/`));
  useEffect(() => {
    if (!current) navigate(homePath(user.role), true);
  }, [current, user.role]);
  useEffect(() => setMenuOpen(false), [path]);
  useEffect(() => {
    document.title = current ? `${t(`nav.${current.name}`)} · Loa` : 'Loa';
  }, [current, t]);

  const View = current ? PAGE_VIEWS[current.name] : null;
  return (
    <WorkspaceContext.Provider value={areas ? { user, areas, reloadAreas: loadAreas } : null}>
      <a class="skip-link" href="#main">{t('common.skipToContent')}</a>
      <header class="topbar">
        <a class="brand" href="/" onClick={(e) => (e.preventDefault(), navigate(homePath(user.role)))}>
          <img src="/favicon.svg" alt="" width="28" height="28" />
          <span>Loa</span>
        </a>
        <button type="button" class="menu-toggle" aria-expanded={menuOpen} aria-controls="main-nav" onClick={() => setMenuOpen(!menuOpen)}>
          {t('nav.menu')}
        </button>
        <nav id="main-nav" class={menuOpen ? 'open' : ''} aria-label={t('nav.label')}>
          <ul>
            {pages.map((page) => (
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
          <span class="who" title={t(`role.${user.role}`)}>
            {user.username} <small>· {t(`role.${user.role}`)}</small>
          </span>
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
