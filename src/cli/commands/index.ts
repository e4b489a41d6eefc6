import type { CliCommand } from '../command.js';
import { auditCommand } from './audit.js';
import { calendarCommand } from './calendar.js';
import { chatCommand } from './chat.js';
import { migrateCommand } from './migrate.js';
import { startCommand } from './start.js';

/** Every `courtside` sub-command. */
export const CLI_COMMANDS: readonly CliCommand[] = [startCommand, migrateCommand, chatCommand, auditCommand, calendarCommand];
