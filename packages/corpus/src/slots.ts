import type { TRandom } from './prng.ts';
import type { TSlotFill, TSlots } from './template.ts';

const FIRST_NAMES = [
  'Anna',
  'James',
  'Maria',
  'David',
  'Sarah',
  'Michael',
  'Laura',
  'Daniel',
  'Emma',
  'Lucas',
  'Sofia',
  'Ahmed',
  'Priya',
  'Kenji',
  'Olga',
  'Mateo',
  'Chloe',
  'Noah',
  'Fatima',
  'Liam',
  'Grace',
  'Tom',
  'Isabel',
  'Omar',
  'Hannah',
  'Marco',
  'Yuki',
  'Elena',
  'Ben',
  'Aisha',
  'Peter',
  'Julia',
  'Raj',
  'Nina',
  'Sam',
  'Kate',
];
const LAST_NAMES = [
  'Smith',
  'Jones',
  'Garcia',
  'Muller',
  'Rossi',
  'Kowalski',
  'Nguyen',
  'Patel',
  'Tanaka',
  'Brown',
  'Silva',
  'Schmidt',
  'Johnson',
  'Lopez',
  'Dubois',
  'Novak',
  'Khan',
  'Andersson',
  'Murphy',
  'Costa',
  'Weber',
  'Kim',
  'Martin',
  'Ivanova',
  'Okafor',
  'Fischer',
  'Taylor',
  'Moreau',
  'Hughes',
  'Santos',
];
const MAIL_DOMAINS = [
  'gmail.com',
  'outlook.com',
  'yahoo.com',
  'hotmail.com',
  'icloud.com',
  'proton.me',
  'gmx.de',
  'web.de',
  'mail.com',
  'aol.com',
];
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const ordinal = (d: number) => {
  if (d % 10 === 1 && d !== 11) return `${d}st`;
  if (d % 10 === 2 && d !== 12) return `${d}nd`;
  if (d % 10 === 3 && d !== 13) return `${d}rd`;
  return `${d}th`;
};

function orderId(random: TRandom): TSlotFill {
  // Most quoted orders are recent ones of a young shop (low numbers); the rest cover the whole range.
  const value = String(random.chance(0.6) ? 10001 + random.int(3000) : 10001 + random.int(89999));
  return { type: 'order_id', value, surface: value, prefix: random.chance(0.25) ? '#' : '' };
}

function invoiceId(random: TRandom): TSlotFill {
  // Low sequence numbers dominate, like a real shop's invoice counter.
  const seq = random.chance(0.7) ? 1 + random.int(2000) : 1 + random.int(99999);
  const value = `INV-${2024 + random.int(3)}-${pad(seq, 5)}`;
  return { type: 'invoice_id', value, surface: random.chance(0.15) ? value.toLowerCase() : value };
}

function email(random: TRandom): TSlotFill {
  const first = random.pick(FIRST_NAMES).toLowerCase();
  const last = random.pick(LAST_NAMES).toLowerCase();
  const local = random.pick([
    `${first}.${last}`,
    `${first}${last}`,
    `${first[0]}.${last}`,
    `${first}_${last[0]}`,
    `${first}${70 + random.int(30)}`,
    `${last}.${first}`,
    `${first}.${last}${random.int(100)}`,
  ]);
  const value = `${local}@${random.pick(MAIL_DOMAINS)}`;
  return { type: 'email', value, surface: value };
}

function amount(random: TRandom): TSlotFill {
  const whole = random.chance(0.5) ? 5 + random.int(300) : 10 * (1 + random.int(40));
  const cents = random.chance(0.5) ? random.pick([99, 95, 50, 49, 90, 0]) : 0;
  const num = cents ? `${whole}.${pad(cents, 2)}` : String(whole);
  const currency = random.pick(['USD', 'USD', 'EUR', 'EUR', 'GBP'] as const);
  const symbol = { USD: '$', EUR: '€', GBP: '£' }[currency];
  const word = { USD: random.pick(['dollars', 'bucks']), EUR: 'euros', GBP: 'pounds' }[currency];
  const surface = random.pick([
    `${symbol}${num}`,
    `${symbol}${num}`,
    `${num} ${currency}`,
    `${num} ${word}`,
    `${currency} ${num}`,
    `${num}${currency}`,
  ]);
  return { type: 'amount', value: `${whole}.${pad(cents, 2)} ${currency}`, surface };
}

function date(random: TRandom): TSlotFill {
  const month = random.int(12);
  const day = 1 + random.int(28);
  const name = MONTHS[month] as string;
  const year = 2024 + random.int(3);
  const monthDay = `${pad(month + 1, 2)}-${pad(day, 2)}`;
  const [surface, withYear] = random.pick([
    [`${name} ${day}`, false],
    [`${name} ${ordinal(day)}`, false],
    [`${name.slice(0, 3)} ${day}`, false],
    [`${day} ${name}`, false],
    [`${ordinal(day)} of ${name}`, false],
    [`${month + 1}/${day}`, false],
    [`${name} ${day}, ${year}`, true],
    [`${day} ${name} ${year}`, true],
    [`${year}-${monthDay}`, true],
    [`${day}.${month + 1}.${year}`, true],
  ] as const);
  return { type: 'date', value: withYear ? `${year}-${monthDay}` : monthDay, surface };
}

/** US, UK and German mobile, and national formats; `d` is a random digit. */
const PHONE_FORMATS = [
  '+1 ddd ddd dddd',
  '(ddd) ddd-dddd',
  '+44 7ddd dddddd',
  '+49 1dd ddddddd',
  '0dddd dddddd',
];

function phone(random: TRandom): TSlotFill {
  const surface = random.pick(PHONE_FORMATS).replace(/d/g, () => String(random.int(10)));
  return { type: 'phone', value: surface.replace(/(?!^\+)\D/g, ''), surface };
}

function personName(random: TRandom): TSlotFill {
  const first = random.pick(FIRST_NAMES);
  const last = random.pick(LAST_NAMES);
  const value = random.pick([
    first,
    first,
    `${first} ${last}`,
    `${random.pick(['Mr.', 'Ms.', 'Mrs.'])} ${last}`,
  ]);
  return { type: 'person_name', value, surface: value };
}

/** Word lists shared by all intents; intent files reference them as `<name>`. */
const WORDS: Record<string, readonly string[]> = {
  first_name_plain: FIRST_NAMES,
  carrier: ['DHL', 'UPS', 'FedEx', 'DPD', 'Royal Mail', 'USPS', 'GLS', 'the courier'],
  country: [
    'Canada',
    'Germany',
    'the UK',
    'France',
    'Spain',
    'Italy',
    'Australia',
    'Japan',
    'Mexico',
    'Ireland',
    'Norway',
    'Switzerland',
    'the Netherlands',
    'Poland',
    'Brazil',
  ],
  pay_method: [
    'PayPal',
    'Apple Pay',
    'Google Pay',
    'a credit card',
    'my debit card',
    'Klarna',
    'a bank transfer',
    'a gift card',
    'Amex',
    'Mastercard',
    'Visa',
    'cash on delivery',
  ],
  card: ['card', 'credit card', 'debit card', 'Visa', 'Mastercard', 'Amex card'],
  order: ['order', 'purchase', 'order'],
  my_order: [
    'my order',
    'my purchase',
    'the order',
    'my last order',
    'this order',
    'my recent order',
    'an order',
  ],
  item: ['item', 'product', 'thing'],
  time_ago: [
    'yesterday',
    'last week',
    'two days ago',
    'this morning',
    'a few days ago',
    'last night',
    'on Monday',
    'last month',
    'earlier today',
    'three weeks ago',
  ],
  feeling_bad: [
    "I'm really annoyed",
    "I'm frustrated",
    'I am very disappointed',
    "I'm fed up",
    "honestly I'm pretty upset",
    'this is so annoying',
  ],
  please: ['please', 'pls', 'plz', 'kindly'],
};

/** The slots for one corpus run; `productNames` is the shop catalogue (or the built-in list). */
export function makeSlots(productNames: readonly string[]): TSlots {
  return {
    entity: {
      order_id: orderId,
      invoice_id: invoiceId,
      email,
      amount,
      date,
      phone,
      person_name: personName,
      product: (random) => {
        const value = random.pick(productNames);
        // Customers often type catalogue names in lower case; the value keeps the catalogue spelling.
        return { type: 'product', value, surface: random.chance(0.2) ? value.toLowerCase() : value };
      },
    },
    words: WORDS,
  };
}
