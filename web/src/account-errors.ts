import { ApiError } from './api';
import type { Translate } from './i18n';

/**
 * The answers of password and code checks in the user's language: a weak or reused password (400),
 * a wrong password or code (401, worded by the caller), too many attempts (429). Anything else as it came.
 */
export function accountError(err: unknown, t: Translate, wrong?: string): unknown {
  if (!(err instanceof ApiError)) return err;
  if (err.status === 400 && /too common|at least \d+ characters|at most \d+ characters/.test(err.message)) return new Error(t('account.weakPassword'));
  if (err.status === 400 && /not used recently/.test(err.message)) return new Error(t('account.reusedPassword'));
  if (err.status === 401 && wrong) return new Error(wrong);
  if (err.status === 429) return new Error(t('auth.tooManyAttempts', { seconds: Number(err.body.retryAfterSec ?? 60) }));
  return err;
}
