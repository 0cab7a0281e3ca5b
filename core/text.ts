/**
 * Text a person types on one line (a name, a reason, a source): no control characters, neither
 * line breaks nor tabs nor NUL (which PostgreSQL refuses in text). Multi-line text (comments)
 * has its own rule.
 */
export const ONE_LINE_RE = /^\P{Cc}*$/u;
