import type { Role } from '@acsa/db';

/** reviewer < engineer < admin: each role may do everything the roles below it may. */
export const ROLE_RANK = { REVIEWER: 1, ENGINEER: 2, ADMIN: 3 } as const satisfies Record<Role, number>;

export const hasRole = (role: Role, atLeast: Role): boolean => ROLE_RANK[role] >= ROLE_RANK[atLeast];

/** Who did something: what every audited operation is given. */
export type TActor = { id: string; email: string; role: Role };
