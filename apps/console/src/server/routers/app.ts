import 'server-only';
import { router } from '../trpc';
import { adminRouter } from './admin';
import { agreementRouter } from './agreement';
import { conversationsRouter } from './conversations';
import { driftRouter } from './drift';
import { escalationsRouter } from './escalations';
import { experimentsRouter } from './experiments';
import { learningDataRouter } from './learning-data';
import { modelsRouter } from './models';
import { queuesRouter } from './queues';
import { reviewRouter } from './review';
import { runsRouter } from './runs';

export const appRouter = router({
  admin: adminRouter,
  agreement: agreementRouter,
  conversations: conversationsRouter,
  drift: driftRouter,
  escalations: escalationsRouter,
  experiments: experimentsRouter,
  learningData: learningDataRouter,
  models: modelsRouter,
  queues: queuesRouter,
  review: reviewRouter,
  runs: runsRouter,
});

export type TAppRouter = typeof appRouter;
