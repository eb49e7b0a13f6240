import { MONTHS, WEEKDAYS } from './calendar.ts';

// Words that end a name when reading one after a cue ("my name is anna and i …", "I'm David, please …").
const STOP = `
a about again all also am an and any anytime are as asap at back be been but by calling can cannot could customer
dear did do does for from get going got had happy has have having he hello help her here hey hi his how
i if im in invoice invoices is it its just looking me mine my need new no not now of ok okay on or order
orders our please really regarding she so sorry still support sure team than thank thanks that the their
there these they this those to today tomorrow trying unhappy very waiting want was we what when where who
why will with writing would yes yesterday you your later soon whenever
`;

export const NAME_STOP: ReadonlySet<string> = new Set([
  ...STOP.split(/\s+/).filter(Boolean),
  ...MONTHS.keys(),
  ...WEEKDAYS,
]);
