import { Injectable } from '@nestjs/common';
import { createHash, randomInt } from 'node:crypto';
import { generateSecret, generateURI, verify } from 'otplib';
import { Clock } from '../common/clock.js';
import type { UserEntity } from '../users/user.entity.js';
import { UsersRepository } from '../users/users.repository.js';

const ISSUER = 'Loa';
/** One 30 s step either side: a phone clock a little off still works. */
const TOLERANCE_SEC = 30;
const RECOVERY_CODES = 10;
/** Unambiguous characters (no 0/O, 1/l/I): codes are read off paper. */
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const RECOVERY_LENGTH = 10;

export interface Enrolment {
  /** Base32 secret, for typing into an authenticator app. */
  secret: string;
  /** The same as an otpauth:// URI, for a QR code. */
  otpauthUri: string;
  /** Shown once: each signs in once in place of a code. */
  recoveryCodes: string[];
}

export type CodeKind = 'totp' | 'recovery';

/**
 * TOTP (RFC 6238, otplib) with one-time recovery codes. A code's time step is accepted once (a
 * conditional update, so two sign-ins racing with one code cannot both pass); a recovery code is
 * removed when used, the same way. Secrets are stored as they are (an authenticator needs them back);
 * recovery codes only as hashes.
 */
@Injectable()
export class SecondFactor {
  constructor(private readonly users: UsersRepository, private readonly clock: Clock) {}

  /** A new pending secret and recovery codes; the second factor is on only once `confirm` sees a first code. */
  async start(user: UserEntity): Promise<Enrolment> {
    const secret = generateSecret();
    const recoveryCodes = Array.from({ length: RECOVERY_CODES }, newRecoveryCode);
    await this.users.update(user.id, { totpSecret: secret, totpEnabledAt: null, totpLastStep: null, recoveryCodeHashes: recoveryCodes.map(hashRecoveryCode) });
    return { secret, otpauthUri: generateURI({ issuer: ISSUER, label: user.username, secret }), recoveryCodes };
  }

  /** Turns the pending secret on if `code` is its current code. */
  async confirm(user: UserEntity, code: string): Promise<boolean> {
    if (!user.totpSecret || !(await this.takeCode(user, code))) return false;
    await this.users.update(user.id, { totpEnabledAt: this.clock.now() });
    return true;
  }

  /** Whether `code` (a current TOTP code or an unused recovery code) proves the second factor; each is accepted once. */
  async accepts(user: UserEntity, code: string): Promise<CodeKind | null> {
    if (!user.totpSecret || !user.totpEnabledAt) return null;
    if (/^\d{6}$/.test(code)) return (await this.takeCode(user, code)) ? 'totp' : null;
    return (await this.takeRecoveryCode(user, code)) ? 'recovery' : null;
  }

  async remove(user: UserEntity): Promise<void> {
    await this.users.update(user.id, { totpSecret: null, totpEnabledAt: null, totpLastStep: null, recoveryCodeHashes: null });
  }

  private async takeCode(user: UserEntity, code: string): Promise<boolean> {
    if (!/^\d{6}$/.test(code)) return false;
    const result = await verify({
      secret: user.totpSecret!, token: code, epoch: Math.floor(this.clock.now().getTime() / 1000), epochTolerance: TOLERANCE_SEC,
      afterTimeStep: user.totpLastStep ?? undefined,
    });
    return result.valid && 'timeStep' in result && (await this.users.takeTotpStep(user.id, result.timeStep));
  }

  private async takeRecoveryCode(user: UserEntity, code: string): Promise<boolean> {
    const unused = user.recoveryCodeHashes ?? [];
    const hash = hashRecoveryCode(code);
    if (!unused.includes(hash)) return false;
    return this.users.replaceRecoveryCodes(user.id, unused, unused.filter((h) => h !== hash));
  }
}

function newRecoveryCode(): string {
  const chars = Array.from({ length: RECOVERY_LENGTH }, () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)]).join('');
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}

/** Recovery codes carry 49 random bits: a fast hash stores them safely. Case and dashes do not matter. */
export const hashRecoveryCode = (code: string): string => createHash('sha256').update(code.toLowerCase().replace(/[\s-]/g, '')).digest('hex');
