/** The weekly review as a chat notice. SCAFFOLD: filled in by the weekly-review work. */
export type ReviewNotice = never;
