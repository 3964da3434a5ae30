/*
 * output: whole-or-nothing output files (see output.h). A file is a stdio
 * stream over our own write function (fopencookie), so that the reason of
 * the first failed write is kept: stdio keeps only an error flag, and a
 * buffer flushed half-way through a report would leave "Input/output
 * error" where the disk was full.
 */
#define _GNU_SOURCE   /* fopencookie */
#include "output.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct PhOutput {
    FILE *f;
    int fd;                /* under f; -1 for stdout */
    int error;             /* errno of the first failed write or close; 0 */
    char *name;            /* as given; "standard output" for stdout */
    char *tmp;             /* the temporary file renamed over `name`; NULL when written in place */
    bool is_stdout;
};

static ssize_t cookie_write(void *cookie, const char *buf, size_t n) {
    PhOutput *o = cookie;
    size_t done = 0;
    while (done < n) {
        ssize_t k = write(o->fd, buf + done, n - done);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            if (!o->error)
                o->error = k < 0 ? errno : EIO;
            return done ? (ssize_t)done : -1;
        }
        done += (size_t)k;
    }
    return (ssize_t)n;
}

static int cookie_close(void *cookie) {
    PhOutput *o = cookie;
    if (close(o->fd) != 0 && !o->error)
        o->error = errno;
    return o->error ? -1 : 0;
}

/* A PhOutput over fd (which it then owns), or stdout when fd < 0. */
static PhOutput *output_new(int fd, const char *name, char *tmp) {
    PhOutput *o = ph_xcalloc(1, sizeof *o);
    o->fd = fd;
    o->name = ph_xstrdup(name);
    o->tmp = tmp;
    o->is_stdout = fd < 0;
    if (o->is_stdout) {
        o->f = stdout;
    } else {
        cookie_io_functions_t io = {.write = cookie_write, .close = cookie_close};
        if (!(o->f = fopencookie(o, "w", io))) {
            fputs("pyhunt: out of memory\n", stderr);
            abort();
        }
    }
    return o;
}

static char *fail(const char *name, const char *reason) { return ph_xasprintf("cannot write %s: %s", name, reason); }

/* A temporary file beside `path`, mode `mode`, opened for writing; -1
 * with errno set. *tmp gets its name (caller frees). */
static int open_beside(const char *path, mode_t mode, char **tmp) {
    const char *slash = strrchr(path, '/');
    *tmp = slash ? ph_xasprintf("%.*s/.%s.XXXXXX", (int)(slash - path), path, slash + 1)
                 : ph_xasprintf(".%s.XXXXXX", path);
    int fd = mkstemp(*tmp);
    if (fd >= 0 && fchmod(fd, mode) == 0)
        return fd;
    int e = errno;
    if (fd >= 0) {
        close(fd);
        unlink(*tmp);
    }
    free(*tmp);
    *tmp = NULL;
    errno = e;
    return -1;
}

PhOutput *ph_output_open(const char *path, char **err) {
    *err = NULL;
    if (!path || strcmp(path, "-") == 0 || strcmp(path, "/dev/stdout") == 0)
        return output_new(-1, "standard output", NULL);
    struct stat st;
    if (lstat(path, &st) != 0) {
        if (errno != ENOENT) {
            *err = fail(path, strerror(errno));
            return NULL;
        }
        mode_t mask = umask(0);
        umask(mask);
        st.st_mode = S_IFREG | (0666 & ~mask);
    }
    if (S_ISLNK(st.st_mode)) {
        *err = fail(path, "it is a symbolic link, and pyhunt does not write through links (remove it or name another file)");
        return NULL;
    }
    if (S_ISDIR(st.st_mode)) {
        *err = fail(path, strerror(EISDIR));
        return NULL;
    }
    if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)) {   /* /dev/null, a named pipe: written in place */
        int fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
            *err = fail(path, strerror(errno));
            return NULL;
        }
        return output_new(fd, path, NULL);
    }
    if (!S_ISREG(st.st_mode)) {
        *err = fail(path, "not a regular file");
        return NULL;
    }
    char *tmp;
    int fd = open_beside(path, st.st_mode & 07777, &tmp);
    if (fd < 0) {
        *err = fail(path, strerror(errno));
        return NULL;
    }
    return output_new(fd, path, tmp);
}

FILE *ph_output_file(PhOutput *self) { return self->f; }

const char *ph_output_name(const PhOutput *self) { return self->name; }

int ph_output_check(FILE *f) {
    errno = 0;
    if (fflush(f) != 0)
        return errno ? errno : EIO;
    return ferror(f) ? EIO : 0;
}

static void output_free(PhOutput *self) {
    free(self->name);
    free(self->tmp);
    free(self);
}

int ph_output_close(PhOutput *self, char **err) {
    *err = NULL;
    if (!self)
        return 0;
    if (self->is_stdout) {   /* checked once, at exit (ph_output_check in main) */
        output_free(self);
        return 0;
    }
    int e = ph_output_check(self->f);
    if (!e && self->tmp && fsync(self->fd) != 0)
        e = errno;
    if (fclose(self->f) != 0 && !e)
        e = EIO;
    if (self->error)   /* the first failure says why */
        e = self->error;
    if (self->tmp && !e && rename(self->tmp, self->name) != 0)
        e = errno;
    if (self->tmp && e)
        unlink(self->tmp);
    if (e)
        *err = fail(self->name, strerror(e));
    output_free(self);
    return e ? -1 : 0;
}

void ph_output_discard(PhOutput *self) {
    if (!self)
        return;
    if (!self->is_stdout) {
        fclose(self->f);
        if (self->tmp)
            unlink(self->tmp);
    }
    output_free(self);
}
