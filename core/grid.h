/*
 * grid: result sets (rows of named columns) rendered in the modes of the
 * sqlite3 shell: table, box, json, csv, markdown, line. A pure emitter:
 * begin with the column names, feed rows of values, end. The caller steps
 * the statement; the grid never sees the database.
 */
#ifndef PH_GRID_H
#define PH_GRID_H

#include <stdio.h>
#include <stdbool.h>

typedef struct PhGrid PhGrid;

typedef enum { PH_CELL_NULL, PH_CELL_NUMBER, PH_CELL_TEXT } PhCellKind;

/* NULL when the mode is unknown. Caller frees with ph_grid_end(). */
PhGrid *ph_grid_begin(const char *mode, FILE *out, int ncols, const char *const *names);
void ph_grid_row(PhGrid *self, const char *const *values, const PhCellKind *kinds);
/* Print what is buffered (table, box, markdown wait for the widths) and free.
 * Returns the number of rows. NULL is a no-op returning 0. */
long ph_grid_end(PhGrid *self);

/* Known modes, as a list for option tables: PH_GRID_MODES, NULL. */
#define PH_GRID_MODES "table", "box", "json", "csv", "markdown", "line"
/* Known modes, space-separated. Static. */
const char *ph_grid_modes(void);

#endif
