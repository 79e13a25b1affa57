import { useState } from 'preact/hooks';
import { api, ApiError, ok } from '../api';
import { ErrorText, Field, inputValue, LangSwitch } from '../components/ui';
import { useAction } from '../hooks';
import { useI18n } from '../i18n';
import { setSession } from '../session';

/**
 * Username and password; for a user with a second factor, then the authenticator's code (or a
 * recovery code) in a second step, as the server asks with `totpRequired`.
 */
export function LoginPage() {
  const { t } = useI18n();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [askCode, setAskCode] = useState(false);
  const action = useAction();

  const submit = async (e: Event) => {
    e.preventDefault();
    const totp = askCode ? code.trim() : undefined;
    await action.run(async () => setSession(await ok(api.POST('/api/v1/auth/login', { body: { username, password, totp } }))), explain);
  };

  const explain = (err: unknown): unknown => {
    if (!(err instanceof ApiError)) return err;
    if (err.status === 401 && err.body.totpRequired) {
      const wrongCode = askCode;
      setAskCode(true);
      setCode('');
      return wrongCode ? new Error(t('auth.badCode')) : null;
    }
    if (err.status === 401) return new Error(t('auth.badCredentials'));
    if (err.status === 429) return new Error(t('auth.tooManyAttempts', { seconds: Number(err.body.retryAfterSec ?? 60) }));
    return err;
  };

  const back = () => (setAskCode(false), setCode(''), action.setError(null));

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
        {!askCode && (
          <>
            <Field label={t('auth.username')}>{(id) => <input id={id} name="username" autocomplete="username" required value={username} onInput={(e) => setUsername(inputValue(e))} />}</Field>
            <Field label={t('auth.password')}>{(id) => <input id={id} name="password" type="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword(inputValue(e))} />}</Field>
          </>
        )}
        {askCode && (
          <>
            <p>{t('auth.codeHelp', { username })}</p>
            <Field label={t('auth.code')} hint={t('auth.codeHint')}>
              {(id, hintId) => (
                <input id={id} name="totp" autocomplete="one-time-code" inputMode="text" required autoFocus aria-describedby={hintId}
                  pattern="\d{6}|[A-Za-z0-9]{5}-?[A-Za-z0-9]{5}" value={code} onInput={(e) => setCode(inputValue(e))} />
              )}
            </Field>
          </>
        )}
        <ErrorText error={action.error} />
        <button type="submit" disabled={action.busy}>{action.busy ? t('auth.signingIn') : askCode ? t('auth.verify') : t('auth.signIn')}</button>
        {askCode && <button type="button" class="secondary" onClick={back}>{t('auth.back')}</button>}
        <div class="login-foot"><LangSwitch /></div>
      </form>
    </main>
  );
}
