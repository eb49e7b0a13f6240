import { describe, expect, it } from 'vitest';
import { extractEntities, type TExtractOptions } from './extract-entities.ts';

const dates = (text: string, options?: TExtractOptions) =>
  extractEntities(text, options)
    .filter((e) => e.type === 'date')
    .map((e) => [text.slice(e.start, e.end), e.value]);
// Tuesday 10 March 2026, local time.
const referenceDate = new Date(2026, 2, 10, 15, 30);

describe('dates', () => {
  it.each([
    ['it was delivered on 2026-03-05', '2026-03-05', '2026-03-05'],
    ['ordered on March 3rd, 2026', 'March 3rd, 2026', '2026-03-03'],
    ['ordered on 3 March 2026', '3 March 2026', '2026-03-03'],
    ['since Mar. 3 2026', 'Mar. 3 2026', '2026-03-03'],
    ['on the 3rd of May 2026', '3rd of May 2026', '2026-05-03'],
    ['placed 03/05/2026', '03/05/2026', '2026-03-05'],
    ['placed 25/03/2026', '25/03/2026', '2026-03-25'],
    ['bestellt am 05.03.2026', '05.03.2026', '2026-03-05'],
    ['back in March 2026', 'March 2026', '2026-03'],
  ])('reads %j', (text, surface, value) => {
    expect(dates(text)).toEqual([[surface, value]]);
  });

  it('reads "03/05/2026" day-first when told to', () => {
    expect(dates('placed 03/05/2026', { dateOrder: 'dmy' })).toEqual([['03/05/2026', '2026-05-03']]);
  });

  it('resolves relative dates against the reference date', () => {
    const text = 'it shipped yesterday, I ordered 3 days ago, last Friday really';
    expect(dates(text, { referenceDate })).toEqual([
      ['yesterday', '2026-03-09'],
      ['3 days ago', '2026-03-07'],
      ['last Friday', '2026-03-06'],
    ]);
    expect(dates('arrives next monday?', { referenceDate })).toEqual([['next monday', '2026-03-16']]);
    expect(dates('ordered March 3', { referenceDate })).toEqual([['March 3', '2026-03-03']]);
  });

  it('keeps dates it cannot pin down as written', () => {
    expect(dates('it shipped yesterday')).toEqual([['yesterday', 'yesterday']]);
    expect(dates('ordered March 3')).toEqual([['March 3', 'March 3']]);
    expect(dates('will it come on Monday?', { referenceDate })).toEqual([['Monday', 'Monday']]);
  });

  it.each([
    'customer since 2019',
    'I may 2 more orders place',
    'I want 3/4 of the refund',
    'order 10042',
    'phone 555-123-4567',
    'it is 12:30',
    'version 2.0.1',
  ])('%j has no date', (text) => {
    expect(dates(text)).toEqual([]);
  });
});
