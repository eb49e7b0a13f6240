import type { TIntentName } from '../intents.ts';
import {
  createAccount,
  deleteAccount,
  editAccount,
  recoverPassword,
  registrationProblems,
  switchAccount,
} from './account.ts';
import { checkInvoice, checkPaymentMethods, getInvoice, paymentIssue } from './billing.ts';
import { contactCustomerService, contactHumanAgent } from './contact.ts';
import {
  changeShippingAddress,
  checkCancellationFee,
  deliveryOptions,
  deliveryPeriod,
  setUpShippingAddress,
} from './delivery.ts';
import { complaint, review } from './feedback.ts';
import { newsletterSubscription } from './newsletter.ts';
import { cancelOrder, changeOrder, ORDER_WORDS, placeOrder, trackOrder } from './order.ts';
import { outOfScope } from './out-of-scope.ts';
import { checkRefundPolicy, getRefund, trackRefund } from './refund.ts';
import { goodbye, greeting, thanks } from './small-talk.ts';
import type { TIntentTemplates } from './types.ts';

/** Every intent's templates; the `Record` makes a new intent without templates a type error. */
export const TEMPLATES: Record<TIntentName, TIntentTemplates> = {
  cancel_order: cancelOrder,
  change_order: changeOrder,
  place_order: placeOrder,
  track_order: trackOrder,
  get_refund: getRefund,
  track_refund: trackRefund,
  check_refund_policy: checkRefundPolicy,
  change_shipping_address: changeShippingAddress,
  set_up_shipping_address: setUpShippingAddress,
  delivery_options: deliveryOptions,
  delivery_period: deliveryPeriod,
  check_cancellation_fee: checkCancellationFee,
  payment_issue: paymentIssue,
  check_payment_methods: checkPaymentMethods,
  check_invoice: checkInvoice,
  get_invoice: getInvoice,
  create_account: createAccount,
  delete_account: deleteAccount,
  edit_account: editAccount,
  switch_account: switchAccount,
  recover_password: recoverPassword,
  registration_problems: registrationProblems,
  contact_human_agent: contactHumanAgent,
  contact_customer_service: contactCustomerService,
  complaint,
  review,
  newsletter_subscription: newsletterSubscription,
  greeting,
  goodbye,
  thanks,
  out_of_scope: outOfScope,
};

/** Word lists more than one intent uses, beside the slots' general ones. */
export const SHARED_WORDS: Record<string, readonly string[]> = { ...ORDER_WORDS };
