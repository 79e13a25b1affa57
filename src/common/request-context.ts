import { AsyncLocalStorage } from 'node:async_hooks';
import type { AuthUser } from '../auth/auth-user.js';

/** Who is asking, carried implicitly so the audit trail can name the actor without threading it through every call. */
export interface RequestContext {
  user?: AuthUser;
  ip?: string;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();
