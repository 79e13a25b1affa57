import { useState } from 'preact/hooks';
import { accountError } from '../account-errors';
import { api, ok } from '../api';
import { QrCode } from '../components/qr-code';
import { ErrorText, Field, inputValue, Notice } from '../components/ui';
import { useWorkspace } from '../context';
import { useAction } from '../hooks';
import { useI18n } from '../i18n';
import { setSession } from '../session';
import type { LoginResult, TotpEnrolment } from '../types';

/** The signed-in user's own account: a new password, and the second factor (TOTP). */
export function AccountPage() {
  const { t } = useI18n();
  const { user } = useWorkspace();
  return (
    <section aria-labelledby="account-title">
      <div class="page-head">
        <h1 id="account-title">{t('nav.account')}</h1>
      </div>
      {user.mustEnrolTotp && <Notice kind="warning"><p>{t('account.mustEnrol')}</p></Notice>}
      <ChangePassword />
      <TwoStep />
    </section>
  );
}

function ChangePassword() {
  const { t } = useI18n();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const action = useAction();
  const [done, setDone] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setDone(false);
    if (next !== repeat) return action.setError(new Error(t('account.mismatch')));
    await action.run(async () => {
      // The answer carries a fresh token: every other session of this user has just ended.
      setSession(await ok(api.POST('/api/v1/auth/password', { body: { currentPassword: current, newPassword: next } })));
      setCurrent('');
      setNext('');
      setRepeat('');
      setDone(true);
    }, (err) => accountError(err, t, t('account.wrongPassword')));
  };

  return (
    <form class="card" onSubmit={submit} aria-labelledby="password-title">
      <h2 id="password-title">{t('account.passwordTitle')}</h2>
      <Field label={t('account.currentPassword')}>{(id) => <input id={id} type="password" autocomplete="current-password" required value={current} onInput={(e) => setCurrent(inputValue(e))} />}</Field>
      <Field label={t('account.newPassword')} hint={t('account.passwordRule')}>
        {(id, hintId) => <input id={id} type="password" autocomplete="new-password" required minLength={10} aria-describedby={hintId} value={next} onInput={(e) => setNext(inputValue(e))} />}
      </Field>
      <Field label={t('account.repeatPassword')}>{(id) => <input id={id} type="password" autocomplete="new-password" required value={repeat} onInput={(e) => setRepeat(inputValue(e))} />}</Field>
      <ErrorText error={action.error} />
      {done && <Notice kind="success"><p>{t('account.passwordChanged')}</p></Notice>}
      <button type="submit" disabled={action.busy}>{t('account.changePassword')}</button>
    </form>
  );
}

/** Step 1: the password; step 2: the QR code, the recovery codes and the app's first code; then on. */
function TwoStep() {
  const { t } = useI18n();
  const { user } = useWorkspace();
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [enrolment, setEnrolment] = useState<TotpEnrolment | null>(null);
  const action = useAction();
  const [notice, setNotice] = useState<string | null>(null);

  const run = (work: () => Promise<void>, wrong: string) => {
    setNotice(null);
    return action.run(work, (err) => accountError(err, t, wrong));
  };
  const signedIn = (session: LoginResult, message: string) => (setSession(session), setPassword(''), setCode(''), setNotice(message));

  const start = (e: Event) => {
    e.preventDefault();
    void run(async () => setEnrolment(await ok(api.POST('/api/v1/auth/totp', { body: { password } }))), t('account.wrongPassword'));
  };
  const confirm = (e: Event) => {
    e.preventDefault();
    void run(async () => {
      signedIn(await ok(api.POST('/api/v1/auth/totp/confirm', { body: { code: code.trim() } })), t('account.totpOn'));
      setEnrolment(null);
    }, t('account.wrongCode'));
  };
  const remove = (e: Event) => {
    e.preventDefault();
    void run(async () => signedIn(await ok(api.DELETE('/api/v1/auth/totp', { body: { password, totp: code.trim() } })), t('account.totpOff')), t('account.wrongPasswordOrCode'));
  };

  return (
    <div class="card" aria-labelledby="totp-title">
      <h2 id="totp-title">{t('account.totpTitle')}</h2>
      <p>{user.totpEnabled ? t('account.totpIsOn') : t('account.totpExplain')}</p>
      {notice && <Notice kind="success"><p>{notice}</p></Notice>}
      {!user.totpEnabled && !enrolment && (
        <form onSubmit={start}>
          <Field label={t('auth.password')}>{(id) => <input id={id} type="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword(inputValue(e))} />}</Field>
          <ErrorText error={action.error} />
          <button type="submit" disabled={action.busy}>{t('account.totpStart')}</button>
        </form>
      )}
      {enrolment && (
        <form onSubmit={confirm}>
          <ol class="steps">
            <li>
              <p>{t('account.scan')}</p>
              <QrCode text={enrolment.otpauthUri} label={t('account.qrLabel')} />
              <p class="muted">{t('account.typeSecret')} <code class="secret">{enrolment.secret}</code></p>
            </li>
            <li>
              <p>{t('account.keepCodes')}</p>
              <ul class="recovery-codes" aria-label={t('account.recoveryCodes')}>{enrolment.recoveryCodes.map((c) => <li key={c}><code>{c}</code></li>)}</ul>
            </li>
            <li>
              <Field label={t('account.firstCode')}>
                {(id) => <input id={id} name="code" autocomplete="one-time-code" inputMode="numeric" pattern="\d{6}" required value={code} onInput={(e) => setCode(inputValue(e))} />}
              </Field>
            </li>
          </ol>
          <ErrorText error={action.error} />
          <button type="submit" disabled={action.busy}>{t('account.totpConfirm')}</button>
        </form>
      )}
      {user.totpEnabled && !user.mustEnrolTotp && (
        <form onSubmit={remove}>
          <h3>{t('account.totpRemoveTitle')}</h3>
          <Field label={t('auth.password')}>{(id) => <input id={id} type="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword(inputValue(e))} />}</Field>
          <Field label={t('auth.code')} hint={t('auth.codeHint')}>{(id, hintId) => <input id={id} autocomplete="one-time-code" required aria-describedby={hintId} value={code} onInput={(e) => setCode(inputValue(e))} />}</Field>
          <ErrorText error={action.error} />
          <button type="submit" class="danger" disabled={action.busy}>{t('account.totpRemove')}</button>
        </form>
      )}
    </div>
  );
}
