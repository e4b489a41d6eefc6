import { Foundation1763800000000 } from './1763800000000-Foundation.js';
import { Bars1763900000000 } from './1763900000000-Bars.js';
import { PaperBroker1764000000000 } from './1764000000000-PaperBroker.js';
import { Backtests1764100000000 } from './1764100000000-Backtests.js';
import { Picks1764200000000 } from './1764200000000-Picks.js';
import { Execution1764300000000 } from './1764300000000-Execution.js';
import { Scheduling1764400000000 } from './1764400000000-Scheduling.js';
import { TypedReasons1764500000000 } from './1764500000000-TypedReasons.js';
import { KillEpoch1764600000000 } from './1764600000000-KillEpoch.js';
import { AuditAnchor1764700000000 } from './1764700000000-AuditAnchor.js';
import { CancelOwed1764800000000 } from './1764800000000-CancelOwed.js';
import { QueuedOrders1764900000000 } from './1764900000000-QueuedOrders.js';
import { PickCards1764900000001 } from './1764900000001-PickCards.js';
import { DemoGeneratorVersion1765000000000 } from './1765000000000-DemoGeneratorVersion.js';
import { CloseExitReason1765100000000 } from './1765100000000-CloseExitReason.js';
import { PickCardsRun1765200000000 } from './1765200000000-PickCardsRun.js';
import { Hypotheses1765300000000 } from './1765300000000-Hypotheses.js';
import { HypothesisBooks1765300000001 } from './1765300000001-HypothesisBooks.js';
import { PickSources1765300000002 } from './1765300000002-PickSources.js';
import { PositionTarget1765300000003 } from './1765300000003-PositionTarget.js';
import { CancelOwedCounts1765300000004 } from './1765300000004-CancelOwedCounts.js';
import { Installation1765300000005 } from './1765300000005-Installation.js';
import { BrokerCancels1765300000007 } from './1765300000007-BrokerCancels.js';
import { MarkSource1765300000008 } from './1765300000008-MarkSource.js';

/** Every migration, oldest first. Listed explicitly so ESM builds need no glob loading. */
export const MIGRATIONS = [Foundation1763800000000, Bars1763900000000, PaperBroker1764000000000, Backtests1764100000000, Picks1764200000000, Execution1764300000000, Scheduling1764400000000, TypedReasons1764500000000, KillEpoch1764600000000, AuditAnchor1764700000000, CancelOwed1764800000000, QueuedOrders1764900000000, PickCards1764900000001, DemoGeneratorVersion1765000000000, CloseExitReason1765100000000, PickCardsRun1765200000000, Hypotheses1765300000000, HypothesisBooks1765300000001, PickSources1765300000002, PositionTarget1765300000003, CancelOwedCounts1765300000004, Installation1765300000005, BrokerCancels1765300000007, MarkSource1765300000008];
