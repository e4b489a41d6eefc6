/** What the drift checks tell admins. SCAFFOLD: filled in by the drift work. */
export type DriftNotice = never;
