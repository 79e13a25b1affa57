import { shellVi } from './shell.vi';
import { programmeVi } from './programme.vi';
import { placesVi } from './places.vi';
import { peopleVi } from './people.vi';

/** Vietnamese, the console's default language. Every key here must exist in en.ts (checked by tsc). */
export const vi = { ...shellVi, ...programmeVi, ...placesVi, ...peopleVi };
