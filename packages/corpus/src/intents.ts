/**
 * The agent's intent taxonomy: the 27 e-commerce intents of the public Bitext customer-support data (same
 * names and categories, so those datasets import without a label map) plus small talk and out_of_scope.
 * The console and serving show `description`; renaming an intent orphans every label and model trained on it.
 */
export const INTENT_CATEGORIES = [
  'ORDER',
  'REFUND',
  'SHIPPING_ADDRESS',
  'DELIVERY',
  'CANCELLATION_FEE',
  'PAYMENT',
  'INVOICE',
  'ACCOUNT',
  'CONTACT',
  'FEEDBACK',
  'NEWSLETTER',
  'SMALLTALK',
  'OUT_OF_SCOPE',
] as const;
export type TIntentCategory = (typeof INTENT_CATEGORIES)[number];

export type TIntentInfo = { name: string; category: TIntentCategory; description: string };

export const INTENTS = [
  { name: 'cancel_order', category: 'ORDER', description: 'Cancel an order that was placed' },
  { name: 'change_order', category: 'ORDER', description: 'Change items, quantities or options of an order' },
  { name: 'place_order', category: 'ORDER', description: 'Buy something or get help placing an order' },
  { name: 'track_order', category: 'ORDER', description: 'Where an order is and when it will arrive' },
  { name: 'get_refund', category: 'REFUND', description: 'Ask for money back or start a return' },
  { name: 'track_refund', category: 'REFUND', description: 'Status of a refund already requested' },
  { name: 'check_refund_policy', category: 'REFUND', description: 'What the refund and return policy says' },
  {
    name: 'change_shipping_address',
    category: 'SHIPPING_ADDRESS',
    description: 'Change the delivery address of an order or the account',
  },
  {
    name: 'set_up_shipping_address',
    category: 'SHIPPING_ADDRESS',
    description: 'Add or save a new shipping address',
  },
  {
    name: 'delivery_options',
    category: 'DELIVERY',
    description: 'Shipping methods, carriers and where the shop ships',
  },
  { name: 'delivery_period', category: 'DELIVERY', description: 'How long delivery takes' },
  {
    name: 'check_cancellation_fee',
    category: 'CANCELLATION_FEE',
    description: 'Whether cancelling costs anything and how much',
  },
  {
    name: 'payment_issue',
    category: 'PAYMENT',
    description: 'A payment failed, was declined or charged twice',
  },
  { name: 'check_payment_methods', category: 'PAYMENT', description: 'Which ways to pay are accepted' },
  { name: 'check_invoice', category: 'INVOICE', description: 'Look at or ask about an existing invoice' },
  { name: 'get_invoice', category: 'INVOICE', description: 'Get a copy of an invoice sent or downloaded' },
  { name: 'create_account', category: 'ACCOUNT', description: 'Open a new customer account' },
  { name: 'delete_account', category: 'ACCOUNT', description: 'Close the account and remove its data' },
  {
    name: 'edit_account',
    category: 'ACCOUNT',
    description: 'Change name, email, phone or other profile details',
  },
  {
    name: 'switch_account',
    category: 'ACCOUNT',
    description: 'Move between accounts or change the account type',
  },
  {
    name: 'recover_password',
    category: 'ACCOUNT',
    description: 'Forgotten password, reset link, locked out',
  },
  {
    name: 'registration_problems',
    category: 'ACCOUNT',
    description: 'Signing up fails: errors, missing confirmation email',
  },
  { name: 'contact_human_agent', category: 'CONTACT', description: 'Talk to a person instead of the bot' },
  {
    name: 'contact_customer_service',
    category: 'CONTACT',
    description: 'How to reach customer service: phone, email, hours',
  },
  {
    name: 'complaint',
    category: 'FEEDBACK',
    description: 'File a complaint about the shop, an order or service',
  },
  { name: 'review', category: 'FEEDBACK', description: 'Leave feedback or a review' },
  {
    name: 'newsletter_subscription',
    category: 'NEWSLETTER',
    description: 'Subscribe to or unsubscribe from the newsletter',
  },
  { name: 'greeting', category: 'SMALLTALK', description: 'Hello, nothing asked yet' },
  { name: 'goodbye', category: 'SMALLTALK', description: 'The customer ends the conversation' },
  { name: 'thanks', category: 'SMALLTALK', description: 'The customer says thank you' },
  {
    name: 'out_of_scope',
    category: 'OUT_OF_SCOPE',
    description: 'Nothing to do with the shop (weather, recipes, other banks…)',
  },
] as const satisfies readonly TIntentInfo[];

export type TIntentName = (typeof INTENTS)[number]['name'];

export const INTENT_NAMES: readonly TIntentName[] = INTENTS.map((i) => i.name);

const byName = new Map<string, TIntentInfo>(INTENTS.map((i) => [i.name, i]));

/** The taxonomy entry for a name, or undefined for a label the taxonomy does not know. */
export function intentInfo(name: string): TIntentInfo | undefined {
  return byName.get(name);
}

export function isIntentName(name: string): name is TIntentName {
  return byName.has(name);
}
