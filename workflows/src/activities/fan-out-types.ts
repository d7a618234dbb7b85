import type { FanOutPageInput, FanOutPageResult } from '@lasso/contracts/fan-out-workflow';

/** The activities a fan-out workflow calls. */
export interface FanOutActivities {
  fanOutPage(input: FanOutPageInput): Promise<FanOutPageResult>;
}
