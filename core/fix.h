/*
 * fix: one file's text with the safe fixes of findings applied, and the
 * unified diff between the two. A fix is data attached to a finding (its
 * PhEdit spans, which a rule's `edits` column gives, core/rules.h); this
 * module turns them into bytes. It knows nothing of rules, databases or
 * the file system: the front end reads the file, offers each finding's
 * edits, and writes the result (cli/fix.c).
 *
 * Bytes outside the edited spans are kept as they are: line endings (a
 * CRLF file stays CRLF), the encoding (a Latin-1 byte is never decoded or
 * re-encoded), a missing final newline. Positions are the facts' own (line
 * and character column, 1-based), which count the characters of the text
 * the extractor read; PhFixChars says how the bytes at hand hold those
 * characters. Whether it said right is the caller's to check (cli/fix.c
 * compares the result with the extractor's reading of it).
 */
#ifndef PH_FIX_H
#define PH_FIX_H

#include <stddef.h>
#include <stdio.h>
#include "rules.h"

typedef struct PhFix PhFix;

/* How bytes hold characters. */
typedef enum {
    PH_FIX_UTF8,           /* a UTF-8 sequence, or a byte that is none (read as U+FFFD), is a character;
                              a byte order mark before line 1 is none */
    PH_FIX_BYTES           /* each byte is a character: a file in a one-byte encoding (`coding: latin-1`) */
} PhFixChars;

/* Why a finding's edits were refused (all of them: a fix is applied whole
 * or not at all). */
typedef enum {
    PH_FIX_OK,             /* accepted */
    PH_FIX_OVERLAP,        /* an edit overlaps, or starts where, an edit of a fix accepted before does */
    PH_FIX_CHANGED,        /* a span does not hold the text the rule read: the file changed since */
    PH_FIX_OUTSIDE         /* a position is not in the file (past a line's end or the last line) */
} PhFixStatus;

/* What a status means, for a message ("the text there changed since it
 * was read"). Static. */
const char *ph_fix_status_text(PhFixStatus s);

/* A fix over `text` (len bytes, borrowed: it must outlive the PhFix), whose
 * characters are `chars`. Caller frees with ph_fix_free(). */
PhFix *ph_fix_new(const char *text, size_t len, PhFixChars chars);
void ph_fix_free(PhFix *self);             /* NULL is a no-op */

/* Offer one finding's edits (n of them). They are accepted together, or
 * refused together with the reason; an accepted fix is never undone by a
 * later offer (the first finding offered wins an overlap). */
PhFixStatus ph_fix_offer(PhFix *self, const PhEdit *edits, size_t n);

/* Fixes accepted so far. */
size_t ph_fix_count(const PhFix *self);

/* The text with every accepted edit applied. Caller frees with free();
 * *len gets its length. */
char *ph_fix_apply(const PhFix *self, size_t *len);

/* The unified diff of the accepted edits, `--- a/PATH`, `+++ b/PATH`
 * (an absolute PATH without a/ and b/), then hunks with three lines of context, as `diff -u` and `git diff`
 * print them (lines keep their bytes, a CR included; a last line without
 * a newline is marked). Nothing when no fix was accepted. */
void ph_fix_diff(const PhFix *self, const char *path, FILE *out);

#endif
