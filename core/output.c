/*
 * output: whole-or-nothing output files (see output.h).
 */
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
    char *name;            /* as given; "standard output" for stdout */
    char *tmp;             /* the temporary file renamed over `name`; NULL when written in place */
    bool is_stdout;
};

static PhOutput *output_new(FILE *f, const char *name, char *tmp, bool is_stdout) {
    PhOutput *o = ph_xcalloc(1, sizeof *o);
    o->f = f;
    o->name = ph_xstrdup(name);
    o->tmp = tmp;
    o->is_stdout = is_stdout;
    return o;
}

static char *fail(const char *name, const char *reason) { return ph_xasprintf("cannot write %s: %s", name, reason); }

/* A temporary file beside `path`, mode `mode`, opened for writing; NULL
 * with errno set. *tmp gets its name (caller frees). */
static FILE *open_beside(const char *path, mode_t mode, char **tmp) {
    const char *slash = strrchr(path, '/');
    *tmp = slash ? ph_xasprintf("%.*s/.%s.XXXXXX", (int)(slash - path), path, slash + 1)
                 : ph_xasprintf(".%s.XXXXXX", path);
    int fd = mkstemp(*tmp);
    if (fd < 0) {
        int e = errno;
        free(*tmp);
        *tmp = NULL;
        errno = e;
        return NULL;
    }
    FILE *f = fchmod(fd, mode) == 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        int e = errno;
        close(fd);
        unlink(*tmp);
        free(*tmp);
        *tmp = NULL;
        errno = e;
    }
    return f;
}

PhOutput *ph_output_open(const char *path, char **err) {
    *err = NULL;
    if (!path || strcmp(path, "-") == 0 || strcmp(path, "/dev/stdout") == 0)
        return output_new(stdout, "standard output", NULL, true);
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
        FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
        if (!f) {
            *err = fail(path, strerror(errno));
            if (fd >= 0)
                close(fd);
            return NULL;
        }
        return output_new(f, path, NULL, false);
    }
    if (!S_ISREG(st.st_mode)) {
        *err = fail(path, "not a regular file");
        return NULL;
    }
    char *tmp;
    FILE *f = open_beside(path, st.st_mode & 07777, &tmp);
    if (!f) {
        *err = fail(path, strerror(errno));
        return NULL;
    }
    return output_new(f, path, tmp, false);
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
    {
        if (!e && self->tmp && fsync(fileno(self->f)) != 0)
            e = errno;
        if (fclose(self->f) != 0 && !e)
            e = errno ? errno : EIO;
        if (self->tmp && !e && rename(self->tmp, self->name) != 0)
            e = errno;
        if (self->tmp && e)
            unlink(self->tmp);
    }
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
