/*
 * diff: the differences between two texts, line by line, as a unified
 * diff (`diff -u`): a shortest edit script (Myers' algorithm) over lines,
 * printed as hunks with their context. What the test runner shows when a
 * golden test fails. It knows nothing of files: the caller names the two
 * sides.
 */
#ifndef PH_DIFF_H
#define PH_DIFF_H

#include <stdbool.h>
#include <stdio.h>

/* Print the unified diff from text `a` to text `b`: `--- a_name`, `+++
 * b_name`, then hunks (`@@ -l,n +l,n @@`) with `context` unchanged lines
 * around each change; every line printed after `indent` (NULL: none). A
 * last line without a newline is marked `\ No newline at end of file`.
 * Prints nothing and returns false when the texts are equal. */
bool ph_diff_print(FILE *out, const char *indent, const char *a_name, const char *a, const char *b_name,
                   const char *b, int context);

#endif
