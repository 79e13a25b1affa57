import { useState } from 'preact/hooks';
import { accountError } from '../account-errors';
import { api, ok } from '../api';
import { AreaSelect, Dialog, ErrorText, Field, inputValue, Loading, Notice } from '../components/ui';
import { useWorkspace } from '../context';
import { getAll, useAction, useAsync } from '../hooks';
import { useI18n } from '../i18n';
import { ROLES, type Role, type User } from '../types';

type Editing = { kind: 'edit' | 'password'; user: User };

/** Admins: people in their area — create, change role and area, disable or enable, set a new password, remove a lost second factor. */
export function UsersPage() {
  const { t } = useI18n();
  const { areaName } = useWorkspace();
  const users = useAsync(() => getAll((page) => api.GET('/api/v1/users', { params: { query: page } })), []);
  const [editing, setEditing] = useState<Editing | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const done = (message: string) => {
    setError(null);
    setNotice(message);
    void users.reload();
  };
  const act = async (work: () => Promise<unknown>, message: string) => {
    setNotice(null);
    try {
      await work();
      done(message);
    } catch (err) {
      setError(err);
    }
  };
  const setDisabled = (user: User, disabled: boolean) => {
    if (disabled && !confirm(t('users.disableConfirm', { username: user.username }))) return;
    void act(() => ok(api.PATCH('/api/v1/users/{id}', { params: { path: { id: user.id } }, body: { disabled } })), t(disabled ? 'users.disabledNotice' : 'users.enabledNotice', { username: user.username }));
  };
  const resetTotp = (user: User) => {
    if (!confirm(t('users.resetTotpConfirm', { username: user.username }))) return;
    void act(() => ok(api.DELETE('/api/v1/users/{id}/totp', { params: { path: { id: user.id } } })), t('users.totpResetNotice', { username: user.username }));
  };

  const list = users.data ?? [];
  return (
    <section aria-labelledby="users-title">
      <div class="page-head">
        <h1 id="users-title">{t('nav.users')}</h1>
      </div>
      <div class="card">
        <ErrorText error={users.error ?? error} />
        {notice && <Notice kind="success"><p>{notice}</p></Notice>}
        <Loading show={users.loading && !users.data} />
        {list.length > 0 && (
          <table class="responsive">
            <thead>
              <tr>
                <th scope="col">{t('auth.username')}</th>
                <th scope="col">{t('users.role')}</th>
                <th scope="col">{t('users.area')}</th>
                <th scope="col">{t('common.status')}</th>
                <th scope="col"><span class="visually-hidden">{t('common.actions')}</span></th>
              </tr>
            </thead>
            <tbody>
              {list.map((user) => (
                <tr key={user.id} class={user.disabled ? 'muted-row' : ''}>
                  <td data-label={t('auth.username')}><strong>{user.username}</strong></td>
                  <td data-label={t('users.role')}>{t(`role.${user.role}`)}</td>
                  <td data-label={t('users.area')}>{user.areaId ? areaName(user.areaId) : t('users.everywhere')}</td>
                  <td data-label={t('common.status')}>
                    <span class={`badge ${user.disabled ? 'badge-offline' : 'badge-online'}`}>{user.disabled ? t('users.disabled') : t('users.active')}</span>
                    {user.totpEnabled && <span class="badge badge-info">{t('users.totp')}</span>}
                  </td>
                  <td class="actions">
                    <button type="button" class="secondary small" onClick={() => setEditing({ kind: 'edit', user })} aria-label={t('users.editOf', { username: user.username })}>{t('common.edit')}</button>
                    <button type="button" class="secondary small" onClick={() => setEditing({ kind: 'password', user })} aria-label={t('users.passwordOf', { username: user.username })}>{t('users.setPassword')}</button>
                    {user.totpEnabled && <button type="button" class="secondary small" onClick={() => resetTotp(user)} aria-label={t('users.resetTotpOf', { username: user.username })}>{t('users.resetTotp')}</button>}
                    {user.disabled
                      ? <button type="button" class="secondary small" onClick={() => setDisabled(user, false)} aria-label={t('users.enableOf', { username: user.username })}>{t('users.enable')}</button>
                      : <button type="button" class="danger small" onClick={() => setDisabled(user, true)} aria-label={t('users.disableOf', { username: user.username })}>{t('users.disable')}</button>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      <CreateUser onCreated={(username) => done(t('users.createdNotice', { username }))} />
      <Dialog open={!!editing} title={editing?.kind === 'password' ? t('users.setPasswordOf', { username: editing.user.username }) : t('users.editOf', { username: editing?.user.username ?? '' })} onClose={() => setEditing(null)}>
        {editing?.kind === 'edit' && <EditUser user={editing.user} onDone={(message) => (setEditing(null), done(message))} />}
        {editing?.kind === 'password' && <SetPassword user={editing.user} onDone={(message) => (setEditing(null), done(message))} />}
      </Dialog>
    </section>
  );
}

/** Role and area, as a create or an edit form shows them; admins may have no area (everywhere). */
function Placement(props: { role: Role; areaId: string; onRole(role: Role): void; onArea(id: string): void }) {
  const { t } = useI18n();
  const { areas } = useWorkspace();
  return (
    <div class="grid">
      <Field label={t('users.role')}>
        {(id) => (
          <select id={id} value={props.role} onChange={(e) => props.onRole(inputValue(e) as Role)}>
            {ROLES.map((role) => <option value={role} key={role}>{t(`role.${role}`)}</option>)}
          </select>
        )}
      </Field>
      <AreaSelect label={t('users.area')} value={props.areaId} onChange={props.onArea} areas={areas} required={props.role !== 'admin'}
        allLabel={props.role === 'admin' ? t('users.everywhere') : ''} />
    </div>
  );
}

function CreateUser(props: { onCreated(username: string): void }) {
  const { t } = useI18n();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('commune_operator');
  const [areaId, setAreaId] = useState('');
  const action = useAction();
  const submit = async (e: Event) => {
    e.preventDefault();
    await action.run(async () => {
      const user = await ok(api.POST('/api/v1/users', { body: { username, password, role, ...(areaId ? { areaId } : {}) } }));
      setUsername('');
      setPassword('');
      props.onCreated(user.username);
    }, (err) => accountError(err, t));
  };
  return (
    <form class="card" onSubmit={submit} aria-labelledby="create-user-title">
      <h2 id="create-user-title">{t('users.create')}</h2>
      <div class="grid">
        <Field label={t('auth.username')} hint={t('users.usernameRule')}>
          {(id, hint) => <input id={id} required minLength={3} maxLength={64} pattern="[a-z0-9_.\-]+" autocomplete="off" aria-describedby={hint} value={username} onInput={(e) => setUsername(inputValue(e))} />}
        </Field>
        <Field label={t('auth.password')} hint={t('account.passwordRule')}>
          {(id, hint) => <input id={id} type="password" required minLength={10} autocomplete="new-password" aria-describedby={hint} value={password} onInput={(e) => setPassword(inputValue(e))} />}
        </Field>
      </div>
      <Placement role={role} areaId={areaId} onRole={setRole} onArea={setAreaId} />
      <ErrorText error={action.error} />
      <button type="submit" disabled={action.busy}>{t('users.createButton')}</button>
    </form>
  );
}

function EditUser(props: { user: User; onDone(message: string): void }) {
  const { t } = useI18n();
  const [role, setRole] = useState<Role>(props.user.role);
  const [areaId, setAreaId] = useState(props.user.areaId ?? '');
  const action = useAction();
  const submit = async (e: Event) => {
    e.preventDefault();
    await action.run(async () => {
      await ok(api.PATCH('/api/v1/users/{id}', { params: { path: { id: props.user.id } }, body: { role, areaId: areaId || null } }));
      props.onDone(t('users.savedNotice', { username: props.user.username }));
    });
  };
  return (
    <form onSubmit={submit}>
      <Placement role={role} areaId={areaId} onRole={setRole} onArea={setAreaId} />
      <p class="muted">{t('users.signsOut')}</p>
      <ErrorText error={action.error} />
      <div class="dialog-actions">
        <button type="submit" disabled={action.busy}>{t('common.save')}</button>
      </div>
    </form>
  );
}

function SetPassword(props: { user: User; onDone(message: string): void }) {
  const { t } = useI18n();
  const [password, setPassword] = useState('');
  const action = useAction();
  const submit = async (e: Event) => {
    e.preventDefault();
    await action.run(async () => {
      await ok(api.POST('/api/v1/users/{id}/password', { params: { path: { id: props.user.id } }, body: { password } }));
      props.onDone(t('users.passwordSetNotice', { username: props.user.username }));
    }, (err) => accountError(err, t));
  };
  return (
    <form onSubmit={submit}>
      <Field label={t('account.newPassword')} hint={t('account.passwordRule')}>
        {(id, hint) => <input id={id} type="password" required minLength={10} autocomplete="new-password" aria-describedby={hint} value={password} onInput={(e) => setPassword(inputValue(e))} />}
      </Field>
      <p class="muted">{t('users.signsOut')}</p>
      <ErrorText error={action.error} />
      <div class="dialog-actions">
        <button type="submit" disabled={action.busy}>{t('users.setPassword')}</button>
      </div>
    </form>
  );
}
