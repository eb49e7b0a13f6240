// Test traffic from another domain: what a shop's assistant sees when its widget lands on the wrong page,
// or a bot floods it. Banking, weather, sport, cooking and travel questions in many phrasings.
const SUBJECTS = [
  'my mortgage interest rate',
  'the overdraft fee on my checking account',
  'a wire transfer to Switzerland',
  'the weather forecast for Lisbon tomorrow',
  'thunderstorms near Denver tonight',
  'the chance of snow in Oslo this weekend',
  'the Champions League semifinal score',
  'who won the Wimbledon quarterfinal',
  'a vegetarian lasagna recipe with spinach',
  'how long to roast a pumpkin',
  'cheap flights from Madrid to Bangkok',
  'a visa for backpacking through Vietnam',
  'the bitcoin exchange rate',
  'filing my quarterly income tax',
  'symptoms of seasonal influenza',
  'translating Portuguese poetry',
];
const FRAMES = [
  (s: string) => `what do you know about ${s}`,
  (s: string) => `could you explain ${s}`,
  (s: string) => `quick question regarding ${s}`,
  (s: string) => `${s}?`,
  (s: string) => `I was wondering about ${s}, any idea`,
  (s: string) => `tell me everything regarding ${s} please`,
  (s: string) => `hey assistant, research ${s} thoroughly and summarise`,
  (s: string) => `need guidance: ${s}`,
  (s: string) => `is anybody able to clarify ${s} for a beginner`,
  (s: string) => `explain like I'm five: ${s}`,
];

export const offTopicTexts = (): string[] => SUBJECTS.flatMap((s) => FRAMES.map((f) => f(s)));
