import { useState } from 'preact/hooks';
import { api, ApiError, ok } from '../api';
import { ErrorText, Field, inputValue, LangSwitch } from '../components/ui';
import { useI18n } from '../i18n';
import { setSession } from '../session';

export function LoginPage() {
  const { t } = useI18n();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      setSession(await ok(api.POST('/api/v1/auth/login', { body: { username, password } })));
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? new Error(t('auth.badCredentials')) : err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" class="login">
      <form class="card login-card" onSubmit={submit} aria-labelledby="login-title">
        <div class="login-head">
          <img src="/favicon.svg" alt="" width="48" height="48" />
          <div>
            <h1 id="login-title">Loa</h1>
            <p class="muted">{t('auth.tagline')}</p>
          </div>
        </div>
        <Field label={t('auth.username')}>{(id) => <input id={id} name="username" autocomplete="username" required value={username} onInput={(e) => setUsername(inputValue(e))} />}</Field>
        <Field label={t('auth.password')}>{(id) => <input id={id} name="password" type="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword(inputValue(e))} />}</Field>
        <ErrorText error={error} />
        <button type="submit" disabled={busy}>{busy ? t('auth.signingIn') : t('auth.signIn')}</button>
        <div class="login-foot"><LangSwitch /></div>
      </form>
    </main>
  );
}
