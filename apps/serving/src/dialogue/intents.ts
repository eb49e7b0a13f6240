/**
 * How the agent handles each intent of the taxonomy (the 27 Bitext e-commerce intents, small talk and
 * out_of_scope). `topic` is how a clarifying question names the intent ("is this about …?").
 * `order`: `required` asks for an order number; `optional` uses one when given, else answers from the FAQ.
 */
export type TPolicyKind = 'order' | 'faq' | 'escalate' | 'smalltalk' | 'out_of_scope';
export type TIntentPolicy = { kind: TPolicyKind; topic: string; order?: 'required' | 'optional' };

export const POLICIES: Record<string, TIntentPolicy> = {
  cancel_order: { kind: 'order', order: 'required', topic: 'cancelling an order' },
  change_order: { kind: 'order', order: 'optional', topic: 'changing an order' },
  place_order: { kind: 'faq', topic: 'placing an order' },
  track_order: { kind: 'order', order: 'required', topic: 'tracking an order' },
  get_refund: { kind: 'order', order: 'optional', topic: 'returns and refunds' },
  track_refund: { kind: 'order', order: 'required', topic: 'the status of a refund' },
  check_refund_policy: { kind: 'faq', topic: 'our refund policy' },
  change_shipping_address: { kind: 'order', order: 'optional', topic: 'changing a delivery address' },
  set_up_shipping_address: { kind: 'faq', topic: 'adding a shipping address' },
  delivery_options: { kind: 'faq', topic: 'shipping options' },
  delivery_period: { kind: 'faq', topic: 'delivery times' },
  check_cancellation_fee: { kind: 'faq', topic: 'cancellation fees' },
  payment_issue: { kind: 'faq', topic: 'a payment problem' },
  check_payment_methods: { kind: 'faq', topic: 'payment methods' },
  check_invoice: { kind: 'order', order: 'optional', topic: 'an invoice' },
  get_invoice: { kind: 'order', order: 'optional', topic: 'getting an invoice' },
  create_account: { kind: 'faq', topic: 'opening an account' },
  delete_account: { kind: 'faq', topic: 'deleting your account' },
  edit_account: { kind: 'faq', topic: 'changing your account details' },
  switch_account: { kind: 'faq', topic: 'switching accounts' },
  recover_password: { kind: 'faq', topic: 'a forgotten password' },
  registration_problems: { kind: 'faq', topic: 'problems signing up' },
  contact_human_agent: { kind: 'escalate', topic: 'talking to a person' },
  contact_customer_service: { kind: 'faq', topic: 'contacting customer service' },
  complaint: { kind: 'escalate', topic: 'a complaint' },
  review: { kind: 'faq', topic: 'leaving a review' },
  newsletter_subscription: { kind: 'faq', topic: 'the newsletter' },
  greeting: { kind: 'smalltalk', topic: 'saying hello' },
  goodbye: { kind: 'smalltalk', topic: 'saying goodbye' },
  thanks: { kind: 'smalltalk', topic: 'saying thanks' },
  out_of_scope: { kind: 'out_of_scope', topic: 'something outside the shop' },
};

export const policyOf = (intent: string): TIntentPolicy | undefined => POLICIES[intent];
