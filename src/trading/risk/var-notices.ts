/** What the value-at-risk use cases tell a chat (/risk). SCAFFOLD: filled in by the value-at-risk work. */
export type VarNotice = never;
