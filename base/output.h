/*
 * output: files that pyhunt writes for the user (a report, query results,
 * the REPL's .output), written so that they appear whole or not at all.
 *
 * A regular file is written to a temporary file beside it (created with
 * O_EXCL, so it never follows a link) and renamed over the target only when
 * every byte is written, flushed and closed without error: a full disk or a
 * failed write leaves the previous file as it was. The target is never
 * followed if it is a symbolic link (an audited tree could plant one under
 * the default report name). Standard output, a terminal, a pipe or a device
 * such as /dev/null are written in place, and checked the same way on close.
 * It knows nothing of formats: callers write to ph_output_file().
 */
#ifndef PH_OUTPUT_H
#define PH_OUTPUT_H

#include <stdio.h>

typedef struct PhOutput PhOutput;

/* Open `path` for writing; NULL or "-" is standard output. Returns NULL and
 * sets *err to "cannot write PATH: reason" (caller frees with free()) when
 * the target is a symbolic link, a directory, or cannot be created. Caller
 * ends with ph_output_close() or ph_output_discard(). */
PhOutput *ph_output_open(const char *path, char **err);

/* The stream to write to: borrowed, valid until close or discard. */
FILE *ph_output_file(PhOutput *self);

/* The name the output was opened with ("standard output" for stdout):
 * borrowed, valid until close or discard. */
const char *ph_output_name(const PhOutput *self);

/* Flush and check the stream, close it and move the temporary file into
 * place. Returns 0, or -1 with *err set to "cannot write NAME: reason"
 * (caller frees with free()), after removing the temporary file, so that
 * the target keeps its previous content. Standard output stays open and
 * unchecked here: the front end checks it once, at exit, with
 * ph_output_check(). NULL is a no-op returning 0. */
int ph_output_close(PhOutput *self, char **err);

/* Drop what was written: the temporary file is removed, the target left
 * as it was. NULL is a no-op. */
void ph_output_discard(PhOutput *self);

/* Flush and check a stream that stays open (stdout at exit). Returns 0, or
 * the errno of the failure (EIO when the stream only kept its error flag). */
int ph_output_check(FILE *f);

#endif
