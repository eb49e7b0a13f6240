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

/**
 * Who did it: a signed-in console user, or an actor already named for the audit log (the CLI's
 * `cli:<login>`, which has no user row; the trainer).
 */
export type TAnyActor = TActor | TAuditActor;

/** A console user as auditActorOf names them; any other actor as it names itself. */
export const asAuditActor = (by: TAnyActor): TAuditActor => ('role' in by ? auditActorOf(by) : by);
