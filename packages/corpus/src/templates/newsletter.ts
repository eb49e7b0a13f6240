import type { TIntentTemplates } from './types.ts';

export const newsletterSubscription: TIntentTemplates = {
  actions: [
    '{subscribe|sign up} {to|for} {your|the} newsletter',
    '{unsubscribe|opt out} {from|of} {your|the} newsletter',
    'stop {getting|receiving} {your|the} {newsletter|marketing emails|promo emails}',
    'get {your|the} newsletter {at <email>|by email|}',
    'change the email {my|the} newsletter {goes to|is sent to}',
    'receive {deals|offers|news} by email',
  ],
  asks: [
    '{subscribe|sign} me {up |}{to|for} the newsletter',
    'unsubscribe me from {your|the} newsletter',
    'add <email> to {your|the} mailing list',
    'remove <email> from {your|the} {newsletter|mailing list}',
    'stop sending me {newsletters|promotional emails}',
  ],
  sentences: [
    'how do I {subscribe to|sign up for} your newsletter?',
    'how can I unsubscribe from the newsletter?',
    'I keep getting your newsletter even though I unsubscribed',
    'do you have a newsletter with {discounts|offers|new arrivals}?',
    "I signed up for the newsletter but {I haven't received anything|nothing comes}",
    "the unsubscribe link in the newsletter {doesn't work|is broken}",
    'too many emails, I want to {leave|quit} the newsletter',
    'please send the newsletter to <email> instead',
    'is there a discount for subscribing to the newsletter?',
    'how often do you send the newsletter?',
  ],
  terse: [
    'newsletter',
    'subscribe newsletter',
    'unsubscribe',
    'unsubscribe newsletter',
    'newsletter sign up',
    'stop newsletter',
    'newsletter subscription',
    'no more newsletters',
  ],
  context: ['I get {three|3|too many} emails a day from you', 'I love your products', 'my email is <email>'],
  after: ['my email is <email>', 'thank you for the {offers|updates} so far'],
};
