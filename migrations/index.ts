import { InitialSchema1764028800000 } from './1764028800000-initial-schema.js';

/** Every migration, in order. Listed explicitly so ts-jest, the built app and the CLI load the same set. */
export const MIGRATIONS = [InitialSchema1764028800000];
