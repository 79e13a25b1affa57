import { DUMMY_HASH, hashPassword, verifyPassword } from './password.js';

describe('password hashing', () => {
  it('verifies the right password and rejects a wrong one', async () => {
    const stored = await hashPassword('mật khẩu đúng');
    expect(stored.startsWith('scrypt$')).toBe(true);
    expect(stored).not.toContain('mật khẩu');
    await expect(verifyPassword('mật khẩu đúng', stored)).resolves.toBe(true);
    await expect(verifyPassword('mat khau dung', stored)).resolves.toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hashPassword('same')).not.toEqual(await hashPassword('same'));
  });

  it('never matches the dummy hash or a malformed one', async () => {
    await expect(verifyPassword('', DUMMY_HASH)).resolves.toBe(false);
    await expect(verifyPassword('x', 'plain')).resolves.toBe(false);
  });
});
