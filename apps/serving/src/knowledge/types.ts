/**
 * What the dialogue engine may know about the shop. Views are plain JSON (dates as ISO strings) so they
 * round-trip through the Redis cache unchanged; a change of shape must bump the cache's key version.
 */

export type TOrderStatus = 'PENDING' | 'PAID' | 'SHIPPED' | 'DELIVERED' | 'CANCELLED' | 'RETURNED';

export type TTrackingEventView = { at: string; status: string; location: string; description: string };

export type TShipmentView = {
  carrier: string;
  trackingNumber: string;
  status: string;
  shippedAt: string;
  eta: string | null;
  deliveredAt: string | null;
  /** The last few scans, most recent first. */
  events: TTrackingEventView[];
};

export type TRefundView = {
  kind: 'REFUND' | 'RETURN';
  status: 'REQUESTED' | 'APPROVED' | 'REJECTED' | 'COMPLETED';
  amountCents: number;
  currency: string;
  reason: string;
  createdAt: string;
  completedAt: string | null;
};

export type TOrderView = {
  id: string;
  number: number;
  customerId: string;
  /** The email the order was placed with: what an anonymous shopper must match. */
  email: string;
  status: TOrderStatus;
  subtotalCents: number;
  shippingCents: number;
  totalCents: number;
  currency: string;
  shippingMethod: string;
  paymentMethod: string;
  placedAt: string;
  paidAt: string | null;
  cancelledAt: string | null;
  items: { name: string; quantity: number; unitPriceCents: number }[];
  /** The latest shipment, if any; `shipmentCount` says whether the order travels in several parcels. */
  shipment: TShipmentView | null;
  shipmentCount: number;
  refunds: TRefundView[];
  invoice: { number: string; totalCents: number; currency: string; issuedAt: string } | null;
};

export type TArticleView = {
  slug: string;
  kind: 'FAQ' | 'POLICY';
  topic: string;
  title: string;
  body: string;
  intents: string[];
  tags: string[];
};

export type TProductView = {
  sku: string;
  name: string;
  description: string;
  category: string;
  priceCents: number;
  currency: string;
  stock: number;
};

export type TCancelResult =
  | {
      cancelled: true;
      number: number;
      /** Status before cancelling: a PAID order gets its money back, a PENDING one was never charged. */
      previousStatus: 'PENDING' | 'PAID';
      refundCents: number;
      currency: string;
      /** Where the refund goes (card, paypal…). */
      paymentMethod: string;
    }
  /** Not cancellable (already shipped, delivered, cancelled…), or `status: null` when no such order. */
  | { cancelled: false; number: number | null; status: TOrderStatus | null };

export type TKnowledgeStats = {
  cacheHits: number;
  cacheMisses: number;
  /** Redis commands that failed or timed out (each one fell through to PostgreSQL). */
  cacheErrors: number;
  /** PostgreSQL round-trips made. */
  dbQueries: number;
  /** Reads answered by the replica, by the primary, and replica reads that failed over to the primary. */
  replicaReads: number;
  primaryReads: number;
  replicaErrors: number;
};

export type TKnowledge = {
  orderByNumber(number: number): Promise<TOrderView | null>;
  orderByInvoice(invoiceNumber: string): Promise<TOrderView | null>;
  /** The best article for an intent (its own articles first, the text picks among them), else full-text. */
  articleFor(intent: string, text: string): Promise<TArticleView | null>;
  productByName(name: string): Promise<TProductView | null>;
  /** Cancels only a PENDING or PAID order, atomically; a PAID one gets a refund row for its total. */
  cancelOrder(orderId: string): Promise<TCancelResult>;
  stats(): TKnowledgeStats;
};
