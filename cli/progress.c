/*
 * progress: the one-line display of a long run on a terminal (files
 * parsed, rules run, time elapsed), redrawn in place on stderr at most ten
 * times a second and erased when the run ends. Nothing is drawn when
 * stderr is not a terminal or the command was given --quiet, so logs and
 * pipes never see it. A phase's line goes once its last step is done, so
 * whatever is printed next starts on a clean line.
 */
#include "cli.h"
#include "util.h"

#include <stdio.h>
#include <unistd.h>

void ph_progress_init(PhProgress *self, bool quiet) {
    *self = (PhProgress){.on = !quiet && isatty(2), .start = ph_now()};
}

void ph_progress_phase(PhProgress *self, const char *what) { self->what = what; }

void ph_progress_step(void *arg, size_t done, size_t total) {
    PhProgress *self = arg;
    if (!self->on)
        return;
    if (done >= total) {
        ph_progress_end(self);
        return;
    }
    double now = ph_now();
    if (now - self->drawn < 0.1)
        return;
    self->drawn = now;
    self->shown = true;
    fprintf(stderr, "\rpyhunt: %zu/%zu %s, %.1fs\033[K", done, total, self->what ? self->what : "", now - self->start);
    fflush(stderr);
}

void ph_progress_end(PhProgress *self) {
    if (self->shown)
        fputs("\r\033[K", stderr);
    self->shown = false;
}
