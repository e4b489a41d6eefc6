import { EntitySchema } from 'typeorm';

/**
 * A `queued_orders` row as the driver returns it: bigint as a string, `date`
 * as YYYY-MM-DD, integer as a number. The text enums (kind, state, side,
 * role) are plain strings here; the repository checks them before handing an
 * order out.
 */
export interface QueuedOrderEntity {
  id: string;
  kind: string;
  state: string;
  sessionDate: string;
  sendAt: Date;
  expiresAt: Date;
  approvalId: string | null;
  pickId: string | null;
  symbol: string | null;
  strategy: string | null;
  side: string | null;
  qty: number | null;
  killEpoch: string | null;
  requestedBy: string;
  role: string;
  chatId: string;
  cardMessageId: number | null;
  createdAt: Date;
  updatedAt: Date;
  sentAt: Date | null;
  closedAt: Date | null;
  closedBy: string | null;
}

/** `queued_orders` (migrations/1764900000000-QueuedOrders.ts). */
export const QueuedOrderSchema = new EntitySchema<QueuedOrderEntity>({
  name: 'QueuedOrder',
  tableName: 'queued_orders',
  columns: {
    id: { type: 'text', primary: true },
    kind: { type: 'text' },
    state: { type: 'text', default: 'QUEUED' },
    sessionDate: { name: 'session_date', type: 'date' },
    sendAt: { name: 'send_at', type: 'timestamptz' },
    expiresAt: { name: 'expires_at', type: 'timestamptz' },
    approvalId: { name: 'approval_id', type: 'uuid', nullable: true, unique: true },
    pickId: { name: 'pick_id', type: 'text', nullable: true },
    symbol: { type: 'text', nullable: true },
    strategy: { type: 'text', nullable: true },
    side: { type: 'text', nullable: true },
    qty: { type: 'integer', nullable: true },
    killEpoch: { name: 'kill_epoch', type: 'bigint', nullable: true },
    requestedBy: { name: 'requested_by', type: 'bigint' },
    role: { type: 'text' },
    chatId: { name: 'chat_id', type: 'bigint' },
    cardMessageId: { name: 'card_message_id', type: 'integer', nullable: true },
    createdAt: { name: 'created_at', type: 'timestamptz' },
    updatedAt: { name: 'updated_at', type: 'timestamptz' },
    sentAt: { name: 'sent_at', type: 'timestamptz', nullable: true },
    closedAt: { name: 'closed_at', type: 'timestamptz', nullable: true },
    closedBy: { name: 'closed_by', type: 'text', nullable: true },
  },
});
