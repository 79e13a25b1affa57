/**
 * Admin commands for the people who run a Loa installation (the same environment as the server):
 *   npm run admin -- create-user <username> <role> [areaCode]   (password from LOA_NEW_PASSWORD)
 *   npm run admin -- reset-password <username>                  (password from LOA_NEW_PASSWORD)
 *   npm run admin -- import-areas [--province CODE]             (the official units of 2025)
 *   npm run admin -- merge-areas --dry-run|--apply              (speakers of merged communes to the new one)
 * All are audited like the equivalent API calls.
 */
import 'reflect-metadata';
import { AreaEntity } from '../areas/area.entity.js';
import { AuditEntryEntity } from '../audit/audit-entry.entity.js';
import { AuditRepository } from '../audit/audit.repository.js';
import { hashPassword, recentHashes } from '../auth/password.js';
import { passwordProblem } from '../auth/password-policy.js';
import { newId } from '../common/ids.js';
import { loadConfig } from '../config/app-config.js';
import { openDatabase } from '../database/data-source.js';
import { WriteTransactions } from '../database/write-transactions.js';
import { ROLES, type Role, UserEntity } from '../users/user.entity.js';
import { newUserRow } from '../users/users.repository.js';
import { runAreaCommand } from './area-commands.js';

const USAGE = [
  'usage: admin create-user <username> <role> [areaCode] | admin reset-password <username>   (LOA_NEW_PASSWORD holds the password)',
  '       admin import-areas [--province CODE] | admin merge-areas --dry-run|--apply',
].join('\n');

function newPassword(username: string): string {
  const password = process.env.LOA_NEW_PASSWORD;
  if (!password) throw new Error('set LOA_NEW_PASSWORD to the new password');
  const problem = passwordProblem(password, { username });
  if (problem) throw new Error(`LOA_NEW_PASSWORD: ${problem}`);
  return password;
}

async function main(args: string[]): Promise<string> {
  const [command, username, role, areaCode] = args;
  if (command === 'import-areas' || command === 'merge-areas') return runAreaCommand(loadConfig(), command, args.slice(1), (line) => console.log(line));
  if (!command || !username) throw new Error(USAGE);
  const db = await openDatabase(loadConfig());
  try {
    const users = db.getRepository(UserEntity);
    const audit = new AuditRepository(db.getRepository(AuditEntryEntity), new WriteTransactions(db));
    const record = (action: string, resourceId: string, details: Record<string, unknown>) =>
      audit.append({ at: new Date(), userId: null, areaPath: null, action, resource: 'user', resourceId, details: { ...details, via: 'cli' }, ip: null });

    if (command === 'create-user') {
      if (!ROLES.includes(role as Role)) throw new Error(`role must be one of ${ROLES.join(', ')}`);
      const area = areaCode ? await db.getRepository(AreaEntity).findOneBy({ code: areaCode }) : null;
      if (areaCode && !area) throw new Error(`no area with code ${areaCode}`);
      if (role !== 'admin' && !area) throw new Error('non-admin users need an areaCode');
      if (await users.findOneBy({ username })) throw new Error(`username ${username} is taken`);
      const user = newUserRow({ id: newId(), username, passwordHash: await hashPassword(newPassword(username)), role: role as Role, areaId: area?.id ?? null, createdAt: new Date() });
      await users.insert(user);
      await record('user.create', user.id, { username, role, areaId: user.areaId });
      return `created ${role} ${username}`;
    }
    if (command === 'reset-password') {
      const user = await users.findOneBy({ username });
      if (!user) throw new Error(`no user ${username}`);
      // Like POST /users/:id/password: every token of the user stops working.
      await users.update({ id: user.id }, { passwordHash: await hashPassword(newPassword(username)), previousPasswordHashes: recentHashes(user), tokenVersion: user.tokenVersion + 1 });
      await record('user.reset_password', user.id, { username });
      return `password of ${username} changed`;
    }
    throw new Error(USAGE);
  } finally {
    await db.destroy();
  }
}

main(process.argv.slice(2)).then(
  (message) => console.log(message),
  (error: Error) => {
    console.error(error.message);
    process.exit(1);
  },
);
