import type { TActor as TAuditActor } from '@acsa/db';
import type { TActor } from '../access/roles.ts';

/**
 * A signed-in console user as the audit log and the alias history name them: by the bare email, as
 * everywhere else, with the id the entry's `actorId` points at.
 */
export const auditActorOf = (actor: Pick<TActor, 'id' | 'email'>): TAuditActor => ({
  type: 'USER',
  id: actor.id,
  display: actor.email,
});
