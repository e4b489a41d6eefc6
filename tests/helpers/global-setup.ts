// Placeholder replaced by the lead: prepares a migrated template database for integration tests.
export default async function setup(): Promise<void> {}
