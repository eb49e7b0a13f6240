// Common given names in English-speaking shops' customer bases (US SSA and ONS top lists, trimmed).
// Names that are everyday words ("Will", "May", "Bill", "Grant", "Rose") are left out on purpose: a
// capitalised "Bill" at the start of a sentence is an invoice far more often than a person.
const NAMES = `
aaron abigail adam adrian aidan alan albert alex alexander alexandra alice alicia alison amanda amber amelia
amy ana andrea andrew angela anna anne anthony antonio arthur ashley austin barbara ben benjamin beth
betty brandon brenda brian brittany bruce bryan caleb cameron carl carlos carmen carol caroline catherine
charles charlotte chloe chris christian christina christine christopher claire cody connor craig cynthia
daniel danielle david deborah debra denise dennis diana diane donald donna dorothy douglas dylan edward
elena elizabeth ella emily emma eric erica ethan eugene evelyn frances francisco frank gabriel gary george
gerald gloria grace gregory hannah harold harry heather helen henry isabella jack jacob james jane janet
janice jason jean jeffrey jennifer jeremy jerry jesse jessica joan joe john johnny jonathan jordan jose
joseph joshua joyce juan judith judy julia julie justin karen katherine kathleen kathryn kayla keith kelly
kenneth kevin kimberly kyle larry laura lauren lawrence leah liam linda lisa logan lucas lucy luis madison
margaret maria marie marilyn martha martin mary matthew megan melissa michael michelle mohammed
muhammad nancy natalie nathan nicholas nicole noah olivia oliver pamela patricia patrick paul peter
philip rachel ralph randy raymond rebecca richard robert roger ronald ruth ryan samantha samuel sandra
sara sarah scott sean sharon shirley sophia sophie stephanie stephen steven susan teresa terry thomas
tiffany timothy tyler victoria vincent virginia walter wayne william zachary
`;

export const FIRST_NAMES: ReadonlySet<string> = new Set(NAMES.split(/\s+/).filter(Boolean));
