/** Per-user settings: notification modes for digests and fills, and who receives broadcasts. */
export * from './schema.js';
export { UserSettingsRepo, type Queryable } from './repo.js';
export { recipientsFor, type Recipient } from './recipients.js';
export { KIND_LABEL, parseSettingsArg, settingsArg, settingsKeyboard, settingsView } from '../../bot/views/settings-view.js';
