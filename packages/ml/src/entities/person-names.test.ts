import { describe, expect, it } from 'vitest';
import { extractEntities } from './extract-entities.ts';

const names = (text: string) =>
  extractEntities(text)
    .filter((e) => e.type === 'person_name')
    .map((e) => [text.slice(e.start, e.end), e.value]);

describe('person names', () => {
  it.each([
    ['I need the bills from Mr. Smith', 'Mr. Smith', 'Mr. Smith'],
    ['invoice from Ms. Hawkings?', 'Ms. Hawkings', 'Ms. Hawkings'],
    ['my name is anna freeman and I need help', 'anna freeman', 'Anna Freeman'],
    ['Hi, David Miller here', 'David Miller', 'David Miller'],
    ["I'm Sarah Connor, order 10042 is late", 'Sarah Connor', 'Sarah Connor'],
    ['Thanks, Emily', 'Emily', 'Emily'],
    ['the bills fromAnna Freeman', 'Anna Freeman', 'Anna Freeman'],
    ['please ask Dr. Jane Foster', 'Dr. Jane Foster', 'Dr. Jane Foster'],
  ])('finds the name in %j', (text, surface, value) => {
    expect(names(text)).toEqual([[surface, value]]);
  });

  it.each([
    'I have not signed up, could I open a freemium account?',
    "I'm Canadian and want to ship to Toronto",
    'I am waiting for my refund',
    'I miss the old checkout',
    'call me back later',
    'This is unacceptable',
    'Thanks, Support Team',
    'Bill me later please',
  ])('%j has no name', (text) => {
    expect(names(text)).toEqual([]);
  });
});
