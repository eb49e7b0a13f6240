// Entity-rich support messages, longer than Bitext's (mean 43 characters), for the worst case per turn.
export const RICH_MESSAGES: readonly string[] = [
  'Hi, my name is Laura Brown. Order #10042 (invoice INV-2026-00123) was charged $49.99 twice on 2026-03-05. Email me at Laura.Brown@Example.com or call +1 (555) 123-4567.',
  'orders 10042, 10043 and 10044 never arrived, I paid €1.299,00 in total on March 3rd, 2026',
  'My Acme Wireless Headphones and the Bolt Coffee Grinder from order no. 10051 are broken, refund 2 items please',
  'call me about my order at 5551234567 or mail jo10042@mail.com, zip 10001, since 2019 a customer',
  "I'm David Miller, I ordered 3 days ago, order 10077, the Zephyr Yoga Mats were $35 each",
  'Invoice #INV-2026-00456 dated 3/5/2026 for USD 1,200.00 does not match order 10099',
  'where is my package? tracking 9400111899223100000000, it should have come last Friday',
  'Thanks, Emily. Could you ship the Lumen Desk Lamp to 221B Baker Street by 12/31/2026?',
];
