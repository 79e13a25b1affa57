import { Injectable, UnauthorizedException } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import type { UserEntity } from '../users/user.entity.js';
import { UsersRepository } from '../users/users.repository.js';
import { DUMMY_HASH, verifyPassword } from './password.js';
import { PasswordAttempts } from './password-attempts.js';
import { SecondFactor, type CodeKind } from './second-factor.js';

/** Where a password was typed, for the audit trail. */
export type PasswordPlace = 'login' | 'queue-dashboard' | 'password-change' | 'totp-enrolment' | 'totp-removal';

export interface PasswordCheck {
  ip: string | null;
  username: string;
  password: string;
  via: PasswordPlace;
  /** Whether a user with a second factor must also give `code` (signing in), or the password alone will do (a signed-in user confirming it). */
  secondFactor: boolean;
  /** A current TOTP code, or an unused recovery code. */
  code?: string;
  /**
   * Basic auth has one password field: there a user with a second factor types the password followed
   * directly by the current 6-digit code.
   */
  codeAppended?: boolean;
}

export interface Verified {
  user: UserEntity;
  /** Which second factor it gave, if one was asked for. */
  code: CodeKind | null;
}

/** 401 for a right password without the one-time code its user needs: the console then asks for the code. */
export class CodeRequiredException extends UnauthorizedException {
  constructor(message = 'a one-time code from your authenticator app (or a recovery code) is required') {
    super({ statusCode: 401, error: 'Unauthorized', message, totpRequired: true });
  }
}

const SIGN_IN_PLACES: PasswordPlace[] = ['login', 'queue-dashboard'];

/**
 * Checks a password (and the second factor when asked), always under the shared attempt limit, and
 * audits every failure. An unknown user, a wrong password and a disabled user all answer the same
 * 401 after the same work (a password hash is always verified), so nothing tells them apart from outside.
 */
@Injectable()
export class Credentials {
  constructor(
    private readonly users: UsersRepository,
    private readonly attempts: PasswordAttempts,
    private readonly secondFactor: SecondFactor,
    private readonly audit: AuditService,
  ) {}

  async verify(check: PasswordCheck): Promise<Verified> {
    let codeMissing = false;
    const verified = await this.attempts.attempt(check, async (): Promise<Verified | null> => {
      const user = await this.users.getByUsername(check.username);
      const { password, code: given } = check.codeAppended && check.secondFactor && user?.totpEnabledAt ? splitAppendedCode(check.password) : check;
      const passwordOk = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
      if (!user || !passwordOk || user.disabled) return this.failed(check, user, !user ? 'unknown user' : !passwordOk ? 'wrong password' : 'disabled');
      if (!check.secondFactor || !user.totpEnabledAt) return { user, code: null };
      if (!given) {
        // The first step of a two-step sign-in, not a failure: the attempt is given back.
        codeMissing = true;
        return { user, code: null };
      }
      const code = await this.secondFactor.accepts(user, given);
      if (!code) return this.failed(check, user, 'wrong one-time code');
      if (code === 'recovery') await this.audit.record({ action: 'auth.recovery_code_used', userId: user.id, resourceId: user.id, details: { via: check.via, left: (user.recoveryCodeHashes?.length ?? 1) - 1 } });
      return { user, code };
    });
    if (codeMissing) throw new CodeRequiredException();
    if (!verified) {
      if (check.code) throw new CodeRequiredException('wrong username, password or one-time code');
      throw new UnauthorizedException('wrong username or password');
    }
    return verified;
  }

  private async failed(check: PasswordCheck, user: UserEntity | null, reason: string): Promise<null> {
    await this.audit.record({
      action: SIGN_IN_PLACES.includes(check.via) ? 'auth.login_failed' : 'auth.reauth_failed',
      userId: user?.id ?? null,
      details: { username: check.username, via: check.via, reason },
    });
    return null;
  }
}

function splitAppendedCode(typed: string): { password: string; code?: string } {
  const parts = /^(.+)(\d{6})$/.exec(typed);
  return parts ? { password: parts[1], code: parts[2] } : { password: typed };
}
