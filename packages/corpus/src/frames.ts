/**
 * Shared wording around an intent's own phrases. `<action>` is one of the intent's actions (an infinitive verb
 * phrase), `<ask>` one of its requests (an imperative). Every frame must read naturally with every action or
 * ask of every intent, which is why none of them presumes a problem ("I can't …") or a tense.
 */
export const ACTION_FRAMES: readonly string[] = [
  'how {do|can|could|should} I <action>?',
  'how to <action>{?|}',
  'I {want|need|would like} to <action>',
  "I'd like to <action>",
  'I wanna <action>',
  '{can|could} you help me <action>?',
  '{help|please help} me <action>',
  'is it possible to <action>?',
  '{can|could|may} I <action>?',
  "I'm trying to <action>{ but I don't know how|}",
  "I don't know how to <action>",
  'what do I {do|need to do|have to do} to <action>?',
  'where {can|do} I <action>?',
  '{could|can} you tell me how to <action>?',
  '{tell|show} me how to <action>',
  'I {have|need} to <action>{ asap| today| urgently|}',
  '{is there a way|any way} to <action>?',
  "{I was wondering|wondering|I'm wondering} if I could <action>",
  'what is the {best|easiest|quickest} way to <action>?',
  '{I need|need|I would like} {help|assistance|some help} to <action>',
  'I am writing {to you |}to <action>',
  'please advise how I can <action>',
  'I would like to know how to <action>',
  'what are the steps to <action>?',
  '{trying|want} to <action>',
];

export const REQUEST_FRAMES: readonly string[] = [
  '<ask>',
  '<ask>',
  'please <ask>',
  '<ask>, {please|pls|thanks}',
  '{can|could|would} you {please |}<ask>?',
  'I need you to <ask>',
  "I'd like you to <ask>",
  '{would|could} you kindly <ask>?',
  '<ask> {asap|right now|today|as soon as possible}',
  '{just|go ahead and} <ask>',
  'I want you to <ask>',
  'I would be grateful if you could <ask>',
  'kindly <ask>',
  'hey bot, <ask>',
];

/** Said before the request; `!` and `,` choices give the joining punctuation. */
export const OPENERS: readonly string[] = [
  'hi',
  'hello',
  'hey',
  'hi there',
  'hello there',
  'hiya',
  'good morning',
  'good afternoon',
  'good evening',
  'hey team',
  'hi support',
  'hello support team',
  'excuse me',
  'quick question',
  'sorry to bother you',
  'ok so',
  'yo',
  'urgent',
  'help',
  "hi, I'm <person_name>",
  'hello, this is <person_name>',
  'hi, <person_name> here',
  'hi, I have a question',
  'hello, I need some help',
  'hey, hope you are well',
  'hi again',
];

export const CLOSERS: readonly string[] = [
  'thanks',
  'thank you',
  'thx',
  'thanks in advance',
  'cheers',
  'thank you so much',
  'appreciate it',
  'please',
  'asap please',
  'please help',
  'any help is appreciated',
  'thanks a lot',
  'ty',
  'many thanks',
  'regards, <person_name>',
  'best, <person_name>',
  'thanks, <person_name>',
];

/** Letter-style messages from the contact form: a salutation and a sign-off around the request. */
export const SALUTATIONS: readonly string[] = [
  'Dear Sir or Madam,',
  'Dear customer service,',
  'Dear support team,',
  'To whom it may concern,',
  'Hello,',
];

export const SIGN_OFFS: readonly string[] = [
  'Kind regards, <person_name>',
  'Best regards, <person_name>',
  'Sincerely, <person_name>',
  'Thank you in advance. <person_name>',
  'Regards',
];
