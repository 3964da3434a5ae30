/*
 * baseline: the findings a project accepts as they are today, so that a
 * run reports only new ones (`audit --write-baseline FILE` records them,
 * `audit --baseline FILE` leaves them out and says how many it matched and
 * how many of its entries no longer match).
 *
 * The file is JSON, one entry per line in the order of the findings (path,
 * line, column, rule), every object's keys sorted, so that it reads well in
 * a diff (docs/output-formats.md, "Baselines"):
 *
 *     {
 *       "findings": [
 *         {"fingerprint": "8c1f0e2ad47b9a61", "message": "...", "path": "app/api.py", "rule": "PH101"}
 *       ],
 *       "version": 1
 *     }
 *
 * An entry matches a finding by its fingerprint (PhFinding.fingerprint, the
 * report model's, which SARIF's partialFingerprints carry too: rule id,
 * path, the finding's source line and its occurrence among identical ones,
 * no line number), so entries survive moved lines and edits elsewhere in
 * the file. Each entry matches one finding at most. `rule`, `path` and
 * `message` are for readers; `rule` also says whether the entry's rule ran.
 */
#ifndef PH_BASELINE_H
#define PH_BASELINE_H

#include <stdio.h>
#include "diag.h"
#include "report.h"
#include "rules.h"

typedef struct PhBaseline PhBaseline;

/* Read the baseline file at path. Returns NULL after an error diagnostic:
 * the file cannot be read, or is not a baseline (invalid JSON, a missing or
 * wrong field), located at path:line:col. Caller frees with
 * ph_baseline_free(). */
PhBaseline *ph_baseline_read(const char *path, PhDiags *diags);
void ph_baseline_free(PhBaseline *self);   /* NULL is a no-op */

/* Drop the findings that an entry matches (fingerprints must be set:
 * ph_report_prepare) and count into *counts (its path is set to `path`):
 * the findings dropped, and the entries of rules in `ran` that match no
 * finding (an entry of a rule that did not run says nothing). Each call
 * starts afresh (audit --fix applies it again after each pass). */
void ph_baseline_apply(PhBaseline *self, const char *path, PhFindings *fs, const PhRuleSet *ran,
                       PhBaselineCounts *counts);

/* Print fs as a baseline (the front end writes it with output.h: whole
 * or not at all). */
void ph_baseline_write(FILE *out, const PhFindings *fs);

#endif
