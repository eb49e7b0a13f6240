import type { TRandom } from '@acsa/corpus/prng';
import { uuidv7 } from './uuid.ts';

const FIRST = [
  'Alex',
  'Sam',
  'Jordan',
  'Taylor',
  'Morgan',
  'Casey',
  'Riley',
  'Jamie',
  'Avery',
  'Quinn',
  'Maria',
  'James',
  'Aisha',
  'Wei',
  'Sofia',
  'Lucas',
  'Emma',
  'Noah',
  'Olivia',
  'Liam',
  'Mia',
  'Ethan',
  'Zara',
  'Omar',
  'Priya',
  'Kenji',
  'Elena',
  'Mateo',
  'Chloe',
  'Daniel',
  'Fatima',
  'Hugo',
  'Ingrid',
  'Jonas',
  'Leila',
  'Marco',
  'Nadia',
  'Oscar',
  'Rosa',
  'Tomas',
  'Yara',
  'Ben',
  'Clara',
  'David',
  'Grace',
  'Ivan',
  'Julia',
  'Kai',
  'Lena',
  'Nina',
];
const LAST = [
  'Morgan',
  'Smith',
  'Johnson',
  'Lee',
  'Garcia',
  'Martin',
  'Brown',
  'Davis',
  'Lopez',
  'Wilson',
  'Anderson',
  'Thomas',
  'Moore',
  'Jackson',
  'White',
  'Harris',
  'Clark',
  'Lewis',
  'Walker',
  'Young',
  'King',
  'Wright',
  'Scott',
  'Green',
  'Baker',
  'Adams',
  'Nelson',
  'Hill',
  'Campbell',
  'Mitchell',
  'Roberts',
  'Carter',
  'Phillips',
  'Evans',
  'Turner',
  'Torres',
  'Parker',
  'Collins',
  'Edwards',
  'Stewart',
  'Flores',
  'Morris',
  'Nguyen',
  'Murphy',
  'Rivera',
  'Cook',
  'Rogers',
  'Kim',
  'Patel',
  'Schmidt',
];
export const CITIES = [
  { city: 'Springfield', postalCode: '62701', country: 'US' },
  { city: 'Portland', postalCode: '97201', country: 'US' },
  { city: 'Austin', postalCode: '73301', country: 'US' },
  { city: 'Denver', postalCode: '80202', country: 'US' },
  { city: 'Boston', postalCode: '02108', country: 'US' },
  { city: 'Chicago', postalCode: '60601', country: 'US' },
  { city: 'Seattle', postalCode: '98101', country: 'US' },
  { city: 'Miami', postalCode: '33101', country: 'US' },
  { city: 'Toronto', postalCode: 'M5H 2N2', country: 'CA' },
  { city: 'London', postalCode: 'EC1A 1BB', country: 'GB' },
  { city: 'Dublin', postalCode: 'D02 X285', country: 'IE' },
  { city: 'Berlin', postalCode: '10115', country: 'DE' },
] as const;
const STREETS = [
  'Oak',
  'Maple',
  'Cedar',
  'Pine',
  'Elm',
  'Lake',
  'Hill',
  'Park',
  'River',
  'Main',
  'Church',
  'Mill',
];
const STREET_KINDS = ['Street', 'Avenue', 'Road', 'Lane', 'Drive', 'Way'];
// Reserved for documentation and examples (RFC 2606): demo customers can never be real inboxes.
const DOMAINS = ['example.com', 'example.org', 'example.net'];

export type TSeedAddress = {
  id: string;
  customerId: string;
  line1: string;
  line2: string | null;
  city: string;
  postalCode: string;
  country: string;
  isDefault: boolean;
  createdAt: Date;
};
export type TSeedCustomer = {
  id: string;
  email: string;
  name: string;
  phone: string | null;
  createdAt: Date;
};

/**
 * The first customer is the one the demo script talks about (Alex Morgan, order 10042); the rest are
 * random but unique by email.
 */
export function buildCustomers(
  random: TRandom,
  count: number,
  now: Date,
): { customers: TSeedCustomer[]; addresses: TSeedAddress[] } {
  const customers: TSeedCustomer[] = [];
  const addresses: TSeedAddress[] = [];
  const emails = new Set<string>();
  for (let i = 0; i < count; i++) {
    const first = i === 0 ? 'Alex' : random.pick(FIRST);
    const last = i === 0 ? 'Morgan' : random.pick(LAST);
    let email = `${first}.${last}@${DOMAINS[0]}`.toLowerCase();
    for (let n = 2; emails.has(email); n++)
      email = `${first}.${last}${n}@${random.pick(DOMAINS)}`.toLowerCase();
    emails.add(email);
    const createdAt = new Date(
      now.getTime() - random.between(200, 900) * 86_400_000 - random.int(86_400_000),
    );
    const id = uuidv7(createdAt, random);
    customers.push({
      id,
      email,
      name: `${first} ${last}`,
      phone: random.chance(0.7)
        ? `+1 555 ${String(random.between(100, 999))} ${String(random.between(1000, 9999))}`
        : null,
      createdAt,
    });
    const nAddresses = random.chance(0.25) ? 2 : 1;
    for (let a = 0; a < nAddresses; a++) {
      const place = random.pick(CITIES);
      addresses.push({
        id: uuidv7(createdAt, random),
        customerId: id,
        line1: `${random.between(1, 2400)} ${random.pick(STREETS)} ${random.pick(STREET_KINDS)}`,
        line2: random.chance(0.2) ? `Apt ${random.between(1, 40)}` : null,
        city: place.city,
        postalCode: place.postalCode,
        country: place.country,
        isDefault: a === 0,
        createdAt,
      });
    }
  }
  return { customers, addresses };
}
