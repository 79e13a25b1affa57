import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 200;
/**
 * zxcvbn's score 3: the estimate needs at least 10^8 guesses, beyond any online guessing behind the
 * attempt limit. Scores 0-2 are the common passwords, keyboard walks, sequences, dates and their
 * variants ("password-123", "qwertyuiop", "dragon12345").
 */
const MIN_SCORE = 3;

/**
 * Words of this field and of Vietnamese passwords that zxcvbn's common list (mostly English) does
 * not know: a password built on them is as guessable as one built on "password".
 */
const LOCAL_WORDS = [
  'matkhau', 'mat khau', 'loa', 'loaphatthanh', 'phatthanh', 'truyenthanh', 'ubnd', 'hdnd', 'xa', 'phuong', 'huyen', 'tinh',
  'vietnam', 'hanoi', 'saigon', 'anhyeuem', 'emyeuanh', 'admin', 'quantri', 'bhxh', 'bhyt',
];

const estimator = new ZxcvbnFactory({ dictionary: { ...dictionary, loa: LOCAL_WORDS }, graphs: adjacencyGraphs });

/**
 * Why this password may not be used, or null: at least MIN_PASSWORD_LENGTH characters, and not
 * a common password (nor one built on the user's own name). The message is for the person choosing it.
 */
export function passwordProblem(password: string, context: { username?: string } = {}): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `password must be at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH) return `password must be at most ${MAX_PASSWORD_LENGTH} characters`;
  // zxcvbn's cost grows with length; past 100 characters the first 100 decide.
  const result = estimator.check(password.slice(0, 100), context.username ? [context.username, ...context.username.split(/[-_.]/)] : []);
  if (result.score >= MIN_SCORE) return null;
  return 'password is too common or too easy to guess: use a longer phrase of unrelated words';
}
