import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import type { Role } from './user.entity.js';
import { UserEntity } from './user.entity.js';

/** What a new user is made of; everything else starts at its default (enabled, no second factor). */
export type NewUser = Pick<UserEntity, 'id' | 'username' | 'passwordHash' | 'role' | 'areaId' | 'createdAt'>;

export const newUserRow = (user: NewUser): UserEntity => ({
  ...user, disabled: false, tokenVersion: 0, previousPasswordHashes: null, totpSecret: null, totpEnabledAt: null, totpLastStep: null, recoveryCodeHashes: null,
});

@Injectable()
export class UsersRepository {
  constructor(@InjectRepository(UserEntity) private readonly users: Repository<UserEntity>) {}

  get(id: string) {
    return this.users.findOneBy({ id });
  }

  getByUsername(username: string) {
    return this.users.findOneBy({ username });
  }

  count() {
    return this.users.count();
  }

  /** Admins of everywhere (no area) that can still sign in, other than `exceptId`: the last one may not go. */
  countActiveAdminsOfEverywhere(exceptId: string) {
    return this.users
      .createQueryBuilder('u')
      .where('u.role = :admin AND u.disabled = :no AND u.areaId IS NULL AND u.id <> :exceptId', { admin: 'admin' satisfies Role, no: false, exceptId })
      .getCount();
  }

  async insert(user: NewUser): Promise<UserEntity> {
    const row = newUserRow(user);
    await this.users.insert(row);
    return row;
  }

  async update(id: string, changes: QueryDeepPartialEntity<UserEntity>): Promise<void> {
    await this.users.update({ id }, changes);
  }

  /** Changes and revokes every token issued so far, in one statement (a concurrent sign-in gets the new version or fails). */
  async updateRevokingTokens(id: string, changes: QueryDeepPartialEntity<UserEntity>): Promise<void> {
    await this.users.update({ id }, { ...changes, tokenVersion: () => '"tokenVersion" + 1' });
  }

  /** Accepts a one-time code's time step once: false when this step (or a later one) was used already. */
  async takeTotpStep(id: string, step: number): Promise<boolean> {
    const result = await this.users
      .createQueryBuilder()
      .update(UserEntity)
      .set({ totpLastStep: step })
      .where('id = :id AND ("totpLastStep" IS NULL OR "totpLastStep" < :step)', { id, step })
      .execute();
    return result.affected === 1;
  }

  /** Swaps the list of unused recovery codes only if nobody changed it meanwhile (a code is used once). */
  async replaceRecoveryCodes(id: string, expected: string[], next: string[]): Promise<boolean> {
    const result = await this.users
      .createQueryBuilder()
      .update(UserEntity)
      .set({ recoveryCodeHashes: next })
      .where('id = :id AND "recoveryCodeHashes" = :expected', { id, expected: JSON.stringify(expected) })
      .execute();
    return result.affected === 1;
  }

  list(areaIds: string[] | null, limit: number, offset: number) {
    const query = this.users.createQueryBuilder('u').orderBy('u.username', 'ASC').take(limit).skip(offset);
    if (areaIds) query.where('u.areaId IN (:...areaIds)', { areaIds: areaIds.length ? areaIds : [''] });
    return query.getManyAndCount();
  }
}
