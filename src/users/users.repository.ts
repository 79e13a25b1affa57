import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { UserEntity } from './user.entity.js';

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

  async insert(user: UserEntity): Promise<void> {
    await this.users.insert(user);
  }

  list(areaIds: string[] | null, limit: number, offset: number) {
    const query = this.users.createQueryBuilder('u').orderBy('u.username', 'ASC').take(limit).skip(offset);
    if (areaIds) query.where('u.areaId IN (:...areaIds)', { areaIds: areaIds.length ? areaIds : [''] });
    return query.getManyAndCount();
  }
}
