import { passwordProblem } from './password-policy.js';

describe('password policy', () => {
  it('refuses passwords shorter than 10 characters', () => {
    expect(passwordProblem('Xq7#vL2!p')).toMatch(/at least 10 characters/);
    expect(passwordProblem('x'.repeat(201))).toMatch(/at most 200/);
  });

  it('refuses common passwords and their easy variants, including Vietnamese ones', () => {
    for (const common of ['password-123', 'qwertyuiop', '1234567890', 'iloveyou123', 'passw0rd!!', 'matkhau123456', 'matkhau@123', 'admin123456']) {
      expect([common, passwordProblem(common)]).toEqual([common, expect.stringMatching(/too common/)]);
    }
  });

  it('refuses a password built on the username', () => {
    expect(passwordProblem('yty-operator-1', { username: 'yty-operator' })).toMatch(/too common/);
  });

  it('accepts long phrases of unrelated words', () => {
    for (const good of ['tram-phat-thanh-7', 'bao-so-3-lao-cai', 'correct horse battery', 'Mô Phí chiều mưa 17h']) expect(passwordProblem(good)).toBeNull();
  });
});
