import type { Role } from '@acsa/db';

/** Every console page and the least role that sees it; the navigation shows a user only theirs. */
export const NAV_ITEMS: { href: string; label: string; role: Role }[] = [
  { href: '/overview', label: 'Overview', role: 'ENGINEER' },
  { href: '/escalations', label: 'Escalations', role: 'REVIEWER' },
  { href: '/review', label: 'Review inbox', role: 'REVIEWER' },
  { href: '/conversations', label: 'Conversations', role: 'REVIEWER' },
  { href: '/agreement', label: 'Agreement', role: 'ENGINEER' },
  { href: '/datasets', label: 'Datasets', role: 'ENGINEER' },
  { href: '/models', label: 'Models', role: 'ENGINEER' },
  { href: '/runs', label: 'Runs', role: 'ENGINEER' },
  { href: '/experiments', label: 'Experiments', role: 'ENGINEER' },
  { href: '/shadow', label: 'Shadow', role: 'ENGINEER' },
  { href: '/drift', label: 'Drift', role: 'ENGINEER' },
  { href: '/queues', label: 'Queues', role: 'ENGINEER' },
  { href: '/admin', label: 'Admin', role: 'ADMIN' },
  { href: '/audit', label: 'Audit log', role: 'ADMIN' },
];
