/*
 * extract: the extraction pipeline.
 *
 *     walk ──▶ jobs ──▶ N parse workers ──▶ results queue ──▶ writer (this thread) ──▶ SQLite
 *
 * A file is re-read only when its stat (size, mtime, ctime, inode) changed
 * since the stored run, and re-extracted only when its content hash
 * changed: ctime moves on every write, so `cp -p` or `tar -x` over a file,
 * which restore size and mtime, are seen too. Workers never
 * touch SQLite; the writer stores each file's facts as a unit.
 *
 * Safety: a database that does not exist yet (or has another schema
 * version, or is damaged) is built whole in a temporary file with no
 * journal and renamed into place at the end, so an interrupted build leaves
 * the previous file untouched; a --force rebuild of a current database,
 * which other processes may be reading, is copied into it in one
 * transaction instead (the SQLite backup API), never renamed over it. An
 * existing database is updated in one WAL transaction, which an
 * interruption rolls back. One run writes a database at a time: each holds
 * an flock on DB.lock for its whole run (the kernel releases it however the
 * process ends; the file is removed at the end of a run), and a second run
 * waits for the first.
 */
#include "extractor.h"
#include "contexts.h"
#include "db.h"
#include "facts.h"
#include "parse.h"
#include "source.h"
#include "walk.h"
#include "writer.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>


char *ph_extract_module_name(const char *relpath, bool *is_package) {
    const char *p = relpath;
    if (ph_str_starts(p, "src/"))
        p += 4;
    char *m = ph_xstrdup(p);
    size_t n = strlen(m);
    if (n > 3 && strcmp(m + n - 3, ".py") == 0)
        m[n -= 3] = 0;
    *is_package = false;
    if (n >= 8 && strcmp(m + n - 8, "__init__") == 0 && (n == 8 || m[n - 9] == '/')) {
        *is_package = true;
        n = n == 8 ? 0 : n - 9;
        m[n] = 0;
    }
    for (char *c = m; *c; c++)
        if (*c == '/')
            *c = '.';
    return m;
}

char *ph_extract_default_db(const char *root) {
    struct stat st;
    if (stat(root, &st) == 0 && !S_ISDIR(st.st_mode)) {
        const char *slash = strrchr(root, '/');
        if (!slash)
            return ph_xstrdup(".pyhunt/facts.db");
        return ph_xasprintf("%.*s/.pyhunt/facts.db", (int)(slash - root), root);
    }
    size_t n = strlen(root);
    while (n > 1 && root[n - 1] == '/')
        n--;
    return ph_xasprintf("%.*s/.pyhunt/facts.db", (int)n, root);
}

/* ---------------------------------------------------------------------------
 * Jobs and workers.
 */

typedef struct Job {
    PhWalkFile *wf;
    int64_t file_id;
    uint64_t old_hash, old_interface;
    bool has_old;
    PhFacts *facts;         /* result */
    char *module;
    bool is_package;
    int lines, errors;
    double seconds;         /* on the worker */
} Job;

typedef struct Pool {
    Job *jobs;
    size_t njobs;
    size_t next;            /* next job to take */
    size_t *done;           /* finished job indexes, in completion order */
    size_t ndone, consumed;
    bool parse_only;
    size_t max_bytes;       /* files larger than this are not read */
    pthread_mutex_t mu;
    pthread_cond_t cond_done, cond_room;
    size_t window;          /* at most this many finished jobs wait for the writer */
} Pool;

/* The reason a file could not be read, from ph_read_regular's errno. Static. */
static const char *read_error(int err) {
    return err == EINVAL ? "not a regular file" : err == EFBIG ? "file too large" : strerror(err);
}

static void process(Job *j, TSParser *parser, bool parse_only, size_t max_bytes, long *lines) {
    PhFacts *f = ph_facts_new(j->wf->path, j->wf->abspath);
    j->facts = f;
    f->file_id = j->file_id;
    f->size = j->wf->size;
    f->mtime_ns = j->wf->mtime_ns;
    f->ctime_ns = j->wf->ctime_ns;
    f->inode = j->wf->inode;
    f->status = PH_FACTS_FAILED;
    if ((uint64_t)j->wf->size > max_bytes) {
        ph_diags_add(f->diags, PH_ERROR, f->path, 0, 0, 0, NULL,
                     "file too large (%lld bytes, limit %zu; see --max-file-size); skipped", (long long)j->wf->size,
                     max_bytes);
        return;
    }
    f->source = ph_read_regular(f->abspath, max_bytes, &f->source_len);
    if (!f->source) {
        /* It changed since the walk: grown, or replaced by a FIFO or a device. */
        ph_diags_add(f->diags, PH_ERROR, f->path, 0, 0, 0, NULL, "cannot read file: %s", read_error(errno));
        return;
    }
    if (ph_source_is_binary(f->source, f->source_len)) {
        PhSource src;
        ph_source_init(&src, f->source, f->source_len);
        ph_source_diag(&src, f->diags, PH_ERROR, f->path,
                       (size_t)((const char *)memchr(f->source, 0, f->source_len) - f->source),
                       "binary content (NUL byte), not Python source; skipped");
        ph_source_fini(&src);
        return;
    }
    f->hash = ph_hash64(f->source, f->source_len);
    f->size = (int64_t)f->source_len;
    if (j->has_old && f->hash == j->old_hash) {
        f->status = PH_FACTS_UNCHANGED;
        return;
    }
    ph_source_prepare(&f->source, &f->source_len, f->path, f->diags);
    PhSource src;
    ph_source_init(&src, f->source, f->source_len);
    j->lines = ph_source_lines(&src);
    ph_source_fini(&src);
    *lines += j->lines;
    if (parse_only) {
        TSTree *t = ts_parser_parse_string(parser, NULL, f->source, (uint32_t)f->source_len);
        ts_tree_delete(t);
        f->status = PH_FACTS_PARSED;
        return;
    }
    j->module = ph_extract_module_name(f->path, &j->is_package);
    j->errors = ph_parse_file(parser, f, j->module, j->is_package);
    f->status = j->errors < 0 ? PH_FACTS_FAILED : PH_FACTS_PARSED;
}

static void *worker(void *arg) {
    Pool *p = arg;
    TSParser *parser = ts_parser_new();
    ts_parser_set_language(parser, ph_parse_language());
    long lines = 0;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        while (p->next < p->njobs && p->ndone - p->consumed >= p->window)
            pthread_cond_wait(&p->cond_room, &p->mu);
        if (p->next >= p->njobs) {
            pthread_mutex_unlock(&p->mu);
            break;
        }
        size_t i = p->next++;
        pthread_mutex_unlock(&p->mu);

        double t = ph_now();
        process(&p->jobs[i], parser, p->parse_only, p->max_bytes, &lines);
        p->jobs[i].seconds = ph_now() - t;

        pthread_mutex_lock(&p->mu);
        p->done[p->ndone++] = i;
        pthread_cond_signal(&p->cond_done);
        pthread_mutex_unlock(&p->mu);
    }
    ts_parser_delete(parser);
    return NULL;
}

/* The writer's side: the next finished job, or NULL when all are consumed. */
static Job *next_done(Pool *p) {
    pthread_mutex_lock(&p->mu);
    if (p->consumed == p->njobs) {
        pthread_mutex_unlock(&p->mu);
        return NULL;
    }
    while (p->consumed == p->ndone)
        pthread_cond_wait(&p->cond_done, &p->mu);
    Job *j = &p->jobs[p->done[p->consumed++]];
    pthread_cond_broadcast(&p->cond_room);
    pthread_mutex_unlock(&p->mu);
    return j;
}

/* Keep a file's times among the n slowest, slowest first (parse and store
 * together). */
static void note_time(PhExtractStats *stats, int n, const char *path, double parse, double store) {
    int i = stats->n_slowest;
    if (i == n && parse + store <= stats->slowest[n - 1].parse + stats->slowest[n - 1].store)
        return;
    if (i == n)
        free(stats->slowest[--i].path);
    else
        stats->n_slowest++;
    for (; i > 0 && stats->slowest[i - 1].parse + stats->slowest[i - 1].store < parse + store; i--)
        stats->slowest[i] = stats->slowest[i - 1];
    stats->slowest[i] = (PhExtractFileTime){ph_xstrdup(path), parse, store};
}

void ph_extract_stats_free(PhExtractStats *stats) {
    for (int i = 0; i < stats->n_slowest; i++)
        free(stats->slowest[i].path);
    free(stats->slowest);
    stats->slowest = NULL;
    stats->n_slowest = 0;
}

/* ---------------------------------------------------------------------------
 * The stored state of a database: what each file was.
 */

typedef struct Stored {
    char *path;
    int64_t id, size, mtime_ns, ctime_ns, inode;
    uint64_t hash, interface;
    bool seen;
} Stored;

typedef PhVec(Stored) StoredVec;

static int load_stored(sqlite3 *db, StoredVec *out, int64_t *max_id) {
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(db, ph_db_statement("stored_files"), -1, &st, NULL);
    *max_id = 0;
    while (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
        Stored s = {ph_xstrdup((const char *)sqlite3_column_text(st, 1)), sqlite3_column_int64(st, 0),
                    sqlite3_column_int64(st, 3), sqlite3_column_int64(st, 4), sqlite3_column_int64(st, 5),
                    sqlite3_column_int64(st, 6), strtoull((const char *)sqlite3_column_text(st, 2), NULL, 16),
                    strtoull((const char *)sqlite3_column_text(st, 7), NULL, 16), false};
        if (s.id > *max_id)
            *max_id = s.id;
        ph_vec_push(out, s);
    }
    if (rc == SQLITE_OK)
        rc = sqlite3_errcode(db) == SQLITE_DONE || sqlite3_errcode(db) == SQLITE_OK ? SQLITE_OK : sqlite3_errcode(db);
    sqlite3_finalize(st);
    return rc;
}

static Stored *find_stored(StoredVec *v, const char *path) {
    size_t lo = 0, hi = v->len;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(v->items[mid].path, path);
        if (c == 0)
            return &v->items[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* Remove temporary databases left by runs that died (their pid is gone). */
static void remove_dead_temps(const char *db_path) {
    char *dir = ph_xstrdup(db_path);
    char *slash = strrchr(dir, '/');
    const char *base = slash ? slash + 1 : db_path;
    if (slash)
        *slash = 0;
    DIR *d = opendir(slash ? dir : ".");
    size_t bl = strlen(base);
    for (struct dirent *e; d && (e = readdir(d));) {
        if (strncmp(e->d_name, base, bl) != 0 || !ph_str_starts(e->d_name + bl, ".tmp-"))
            continue;
        long pid = strtol(e->d_name + bl + 5, NULL, 10);
        if (pid > 0 && kill((pid_t)pid, 0) != 0 && errno == ESRCH) {
            char *p = ph_xasprintf("%s/%s", slash ? dir : ".", e->d_name);
            unlink(p);
            free(p);
        }
    }
    if (d)
        closedir(d);
    free(dir);
}

static int exec(sqlite3 *db, const char *sql) { return sqlite3_exec(db, sql, NULL, NULL, NULL); }

/* A .gitignore holding `*` in dir, unless it has one: pyhunt's folder
 * never ends up in git (as .ruff_cache and .pytest_cache do). Never follows
 * or replaces an existing file. */
static void ignore_folder(const char *dir) {
    char *p = ph_xasprintf("%s/.gitignore", dir);
    int fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd >= 0) {
        static const char text[] = "# Created by pyhunt: everything here is derived data.\n*\n";
        ssize_t n = write(fd, text, sizeof text - 1);
        (void)n;   /* best effort: the folder works without it */
        close(fd);
    }
    free(p);
}

/* mkdir -p of the folder holding the database at path. The folder it holds
 * gets a .gitignore when pyhunt creates it, or when it is a .pyhunt folder
 * that has none. */
static int mkdir_parents(const char *path) {
    char *p = ph_xstrdup(path);
    bool made = false;
    for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
        *s = 0;
        made = mkdir(p, 0777) == 0;
        if (!made && errno != EEXIST) {
            free(p);
            return -1;
        }
        *s = '/';
    }
    char *slash = strrchr(p, '/');
    if (slash) {
        *slash = 0;
        const char *base = strrchr(p, '/') ? strrchr(p, '/') + 1 : p;
        if (made || strcmp(base, ".pyhunt") == 0)
            ignore_folder(p);
    }
    free(p);
    return 0;
}

/* Take the writer's lock of the database at db_path (see the top of this
 * file): an flock on DB.lock, a file that exists only while a run holds
 * it. Its holder removes it before letting go, so a waiter that then wins
 * a lock on a file no longer at that path takes the new one instead.
 * Returns the lock's descriptor, for unlock_db(), or -1 after an error. */
static int lock_db(const char *db_path, void (*on_wait)(const char *), PhDiags *diags) {
    char *lock = ph_xasprintf("%s.lock", db_path);
    char *dir = ph_xstrdup(db_path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = 0;
    bool told = false;
    int fd;
    for (;;) {
        fd = open(lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (fd < 0 || access(slash ? dir : ".", W_OK) != 0) {
            int e = errno;
            if (e == EACCES || e == EROFS || e == EPERM)
                ph_diags_add(diags, PH_ERROR, db_path, 0, 0, 0, NULL,
                             "cannot write the database: its folder is read-only (%s); --db FILE puts it elsewhere",
                             strerror(e));
            else
                ph_diags_add(diags, PH_ERROR, db_path, 0, 0, 0, NULL, "cannot lock the database (%s): %s", lock,
                             strerror(e));
            if (fd >= 0)
                close(fd);
            fd = -1;
            break;
        }
        if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
            if (on_wait && !told)
                on_wait(db_path);
            told = true;
            while (flock(fd, LOCK_EX) != 0 && errno == EINTR)
                ;
        }
        struct stat held, named;
        if (fstat(fd, &held) == 0 && stat(lock, &named) == 0 && held.st_ino == named.st_ino &&
            held.st_dev == named.st_dev)
            break;
        close(fd);   /* the last holder removed it: lock the file now at that path */
    }
    free(dir);
    free(lock);
    return fd;
}

/* Let go of lock_db()'s lock, removing its file first. */
static void unlock_db(const char *db_path, int fd) {
    if (fd < 0)
        return;
    char *lock = ph_xasprintf("%s.lock", db_path);
    unlink(lock);
    free(lock);
    close(fd);
}

/* What failed when writing: SQLite's message, or what its code means when
 * the message was lost (a failed COMMIT leaves "not an error"). Static or
 * borrowed from db. */
static const char *write_error(sqlite3 *db, int rc) {
    int code = sqlite3_errcode(db);
    if (code == SQLITE_OK || code == SQLITE_DONE || code == SQLITE_ROW)
        return sqlite3_errstr(rc);
    return code == SQLITE_FULL ? "the disk is full" : sqlite3_errmsg(db);
}

/* Put the finished build at tmp_path in the place of db_path. `live`: the
 * file there is a current database that others may be reading, so the
 * build is copied into it in one transaction; otherwise (no file, or one
 * nobody reads: stale or damaged) the old file's WAL goes and the build is
 * renamed over it. Returns 0 or -1 after a diagnostic; the old file is
 * intact on failure. */
static int install(sqlite3 *build, const char *tmp_path, const char *db_path, bool live, PhDiags *diags) {
    if (live) {
        sqlite3 *dst = NULL;
        int rc = sqlite3_open_v2(db_path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
        if (rc == SQLITE_OK) {
            sqlite3_busy_timeout(dst, PH_DB_BUSY_MS);
            sqlite3_backup *b = sqlite3_backup_init(dst, "main", build, "main");
            rc = b ? sqlite3_backup_step(b, -1) : sqlite3_errcode(dst);
            int fin = sqlite3_backup_finish(b);
            rc = rc == SQLITE_DONE ? fin : rc;
            if (rc == SQLITE_OK)
                exec(dst, "PRAGMA wal_checkpoint(TRUNCATE)");
        }
        if (rc != SQLITE_OK)
            ph_diags_add(diags, PH_ERROR, db_path, 0, 0, 0, NULL, "cannot write database: %s",
                         dst ? sqlite3_errmsg(dst) : sqlite3_errstr(rc));
        sqlite3_close(dst);
        ph_db_close(build);
        return rc == SQLITE_OK ? 0 : -1;
    }
    /* The build becomes a WAL database before it has a name readers open. */
    int rc = exec(build, "PRAGMA locking_mode=NORMAL; PRAGMA journal_mode=WAL");
    ph_db_close(build);
    if (rc != SQLITE_OK) {
        ph_diags_add(diags, PH_ERROR, db_path, 0, 0, 0, NULL, "cannot write database: %s", sqlite3_errstr(rc));
        return -1;
    }
    /* A WAL left beside the old file must not be read with the new one. */
    char *wal = ph_xasprintf("%s-wal", db_path), *shm = ph_xasprintf("%s-shm", db_path);
    unlink(wal);
    unlink(shm);
    free(wal);
    free(shm);
    if (rename(tmp_path, db_path) != 0) {
        ph_diags_add(diags, PH_ERROR, db_path, 0, 0, 0, NULL, "cannot move the new database into place: %s",
                     strerror(errno));
        return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------------------
 * The run.
 */

static int nproc(void) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

int ph_extract_run(const PhExtractOptions *o, PhExtractStats *stats, PhDiags *diags) {
    memset(stats, 0, sizeof *stats);
    for (size_t i = 0; i < o->n_contexts; i++)
        if (!ph_extract_context_pattern_valid(o->contexts[i].pattern) || o->contexts[i].context < 0 ||
            o->contexts[i].context >= PH_CTX_COUNT) {
            ph_diags_add(diags, PH_ERROR, NULL, 0, 0, 0, NULL,
                         "context pattern '%s' is not valid: it may not be empty, start with '/' or hold '//'",
                         o->contexts[i].pattern ? o->contexts[i].pattern : "");
            return -1;
        }
    double t0 = ph_now();
    ph_parse_init();
    PhWalk walk;
    if (ph_walk(o->root, o->excludes, o->n_excludes, o->follow_links, &walk, diags) != 0)
        return -1;
    stats->files = (int)walk.len;

    char *db_path = o->db_path ? ph_xstrdup(o->db_path) : ph_extract_default_db(o->root);
    char *tmp_path = NULL;
    sqlite3 *db = NULL;
    PhWriter *w = NULL;
    StoredVec stored = {0};
    int64_t max_id = 0;
    int rc = SQLITE_OK, result = 0, lock = -1;
    bool cold = true, live = false;

    if (!o->parse_only) {
        if (mkdir_parents(db_path) != 0) {
            ph_diags_add(diags, PH_ERROR, db_path, 0, 0, 0, NULL, "cannot create directory: %s", strerror(errno));
            result = -1;
            goto done;
        }
        if ((lock = lock_db(db_path, o->on_wait, diags)) < 0) {
            result = -1;
            goto done;
        }
        PhDbStatus s = ph_db_open(db_path, false, &db, diags);
        if (s == PH_DB_ERROR) {
            result = -1;
            goto done;
        }
        if (s == PH_DB_STALE)
            ph_diags_add(diags, PH_NOTE, db_path, 0, 0, 0, NULL,
                         "database written by another pyhunt version; rebuilding it");
        cold = s != PH_DB_OK || o->force;
        live = s == PH_DB_OK;
        if (!cold) {
            if (load_stored(db, &stored, &max_id) != SQLITE_OK || exec(db, "BEGIN IMMEDIATE") != SQLITE_OK ||
                ph_db_set_root(db, db_path, o->root) != SQLITE_OK) {
                if (sqlite3_errcode(db) == SQLITE_BUSY)   /* a writer that is not pyhunt (pyhunt's wait above) */
                    ph_diags_add(diags, PH_ERROR, db_path, 0, 0, 0, NULL,
                                 "database is locked by another process (is another pyhunt running?)");
                else
                    ph_diags_add(diags, PH_ERROR, db_path, 0, 0, 0, NULL, "cannot update database: %s",
                                 write_error(db, SQLITE_ERROR));
                result = -1;
                goto done;
            }
        } else {
            ph_db_close(db);
            db = NULL;
            remove_dead_temps(db_path);
            tmp_path = ph_xasprintf("%s.tmp-%ld", db_path, (long)getpid());
            unlink(tmp_path);
            db = ph_db_create(tmp_path, o->root, diags);
            if (!db || exec(db, "BEGIN") != SQLITE_OK) {
                result = -1;
                goto done;
            }
        }
        w = ph_writer_open(db, cold, diags);
        if (!w) {
            result = -1;
            goto done;
        }
        /* Patterns may have changed since the last run: stored files take
         * their context now; those re-extracted below get it again. */
        if (!cold && (rc = ph_contexts_refresh(db, o->contexts, o->n_contexts, &stats->recontexted)) != SQLITE_OK) {
            ph_diags_add(diags, PH_ERROR, db_path, 0, 0, 0, NULL, "cannot update database: %s", sqlite3_errmsg(db));
            result = -1;
            goto done;
        }
        stats->rebuilt = cold;
    }

    /* Decide what to parse. */
    Job *jobs = ph_xcalloc(walk.len ? walk.len : 1, sizeof *jobs);
    size_t njobs = 0;
    for (size_t i = 0; i < walk.len; i++) {
        PhWalkFile *wf = &walk.files[i];
        Stored *s = cold ? NULL : find_stored(&stored, wf->path);
        if (s)
            s->seen = true;
        if (wf->error) {
            ph_diags_add(diags, PH_ERROR, wf->path, 0, 0, 0, NULL, "cannot read file: %s", read_error(wf->error));
            stats->failed++;
            continue;
        }
        if (s && s->size == wf->size && s->mtime_ns == wf->mtime_ns && s->ctime_ns == wf->ctime_ns &&
            s->inode == wf->inode) {
            stats->unchanged++;
            continue;
        }
        Job *j = &jobs[njobs++];
        j->wf = wf;
        j->file_id = s ? s->id : ++max_id;
        j->has_old = s != NULL;
        j->old_hash = s ? s->hash : 0;
        j->old_interface = s ? s->interface : 0;
    }

    /* Parse on the workers, write here. */
    Pool pool;
    memset(&pool, 0, sizeof pool);
    pool.jobs = jobs;
    pool.njobs = njobs;
    pool.done = ph_xcalloc(njobs ? njobs : 1, sizeof(size_t));
    pool.parse_only = o->parse_only;
    pool.max_bytes = o->max_file_bytes ? o->max_file_bytes : PH_MAX_FILE_BYTES;
    int nthreads = o->jobs > 0 ? o->jobs : nproc();
    if ((size_t)nthreads > njobs)
        nthreads = njobs ? (int)njobs : 1;
    pool.window = (size_t)nthreads * 4 + 16;
    pthread_mutex_init(&pool.mu, NULL);
    pthread_cond_init(&pool.cond_done, NULL);
    pthread_cond_init(&pool.cond_room, NULL);
    pthread_t *threads = ph_xcalloc((size_t)nthreads, sizeof *threads);
    pthread_attr_t attr;   /* the parse walk's stack, whatever the default (parse.h) */
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, PH_PARSE_STACK_BYTES);
    int started = 0, thread_err = 0;
    while (started < nthreads && njobs && (thread_err = pthread_create(&threads[started], &attr, worker, &pool)) == 0)
        started++;
    if (thread_err) {
        /* The jobs taken so far finish and are dropped; no other is taken. */
        ph_diags_add(diags, PH_ERROR, NULL, 0, 0, 0, NULL,
                     "cannot start parse thread %d of %d: %s; nothing was stored", started + 1, nthreads,
                     strerror(thread_err));
        pthread_mutex_lock(&pool.mu);
        pool.njobs = pool.next;
        pthread_cond_broadcast(&pool.cond_room);
        pthread_mutex_unlock(&pool.mu);
    }
    bool store = w && !thread_err;
    if (o->n_slowest > 0)
        stats->slowest = ph_xcalloc((size_t)o->n_slowest, sizeof *stats->slowest);

    size_t stored_jobs = 0;
    bool interface_changed = false;   /* a file came, went or changed what other files' relations read */
    for (Job *j; (j = next_done(&pool));) {
        PhFacts *f = j->facts;
        if (o->on_progress)
            o->on_progress(o->progress_arg, ++stored_jobs, njobs);
        for (size_t k = 0; k < ph_diags_len(f->diags); k++) {
            const PhDiag *d = ph_diags_at(f->diags, k);
            ph_diags_add(diags, d->severity, d->path, d->line, d->col, d->end_col, d->source_line, "%s", d->message);
        }
        double t = ph_now();
        if (f->status == PH_FACTS_FAILED)
            stats->failed++;
        else if (f->status == PH_FACTS_UNCHANGED) {
            stats->unchanged++;
            if (store && rc == SQLITE_OK)
                rc = ph_writer_touch(w, f);
        } else {
            stats->parsed++;
            stats->lines += j->lines;
            stats->syntax_errors += j->errors;
            uint64_t iface = store ? ph_writer_interface(f, j->module, j->is_package) : 0;
            interface_changed |= !j->has_old || iface != j->old_interface;
            if (store && rc == SQLITE_OK)
                rc = ph_writer_put(w, f, j->module, j->is_package, ph_contexts_of(o->contexts, o->n_contexts, f->path),
                                   j->lines, j->errors, iface);
        }
        if (stats->slowest)
            note_time(stats, o->n_slowest, f->path, j->seconds, ph_now() - t);
        free(j->module);
        ph_facts_free(f);
        j->facts = NULL;
    }
    for (int t = 0; t < started; t++)
        pthread_join(threads[t], NULL);
    pthread_attr_destroy(&attr);
    free(threads);
    free(pool.done);
    free(jobs);
    pthread_mutex_destroy(&pool.mu);
    pthread_cond_destroy(&pool.cond_done);
    pthread_cond_destroy(&pool.cond_room);

    if (thread_err)
        result = -1;
    if (o->parse_only || thread_err)
        goto done;

    /* Files gone since the last run. */
    for (size_t i = 0; i < stored.len && rc == SQLITE_OK; i++)
        if (!stored.items[i].seen) {
            rc = ph_writer_remove(w, stored.items[i].id);
            stats->removed++;
        }
    ph_writer_close(w);
    w = NULL;
    /* Derived relations follow the facts (and the library that derives
     * them): in the same transaction when updating; after the indexes they
     * need when building. */
    bool library = ph_db_library_current(db);
    bool changed = stats->parsed || stats->removed || stats->recontexted || cold || !library;
    /* Only the changed files' call graph when they all kept their
     * interface; every cached result when the library or a context
     * changed, else those of the changed files (ph_db_derive). */
    bool changed_only = !interface_changed && !stats->removed && !stats->recontexted && library;
    double t1 = ph_now(), t2 = t1;
    if (rc == SQLITE_OK && !cold && changed)
        rc = ph_db_derive(db, changed_only, stats->recontexted || !library, diags);
    if (rc == SQLITE_OK)
        rc = exec(db, "COMMIT");
    if (rc == SQLITE_OK && cold) {
        t1 = ph_now();
        rc = ph_db_create_indexes(db, diags);
        t2 = ph_now();
    }
    if (rc == SQLITE_OK && cold)
        rc = ph_db_load_library(db, diags);
    if (rc == SQLITE_OK && cold)
        rc = ph_db_derive(db, false, true, diags);
    stats->t_facts = t1 - t0;
    stats->t_indexes = t2 - t1;
    stats->t_derive = ph_now() - t2;
    if (rc != SQLITE_OK) {
        ph_diags_add(diags, PH_ERROR, db_path, 0, 0, 0, NULL, "cannot write database: %s", write_error(db, rc));
        if (!cold)
            exec(db, "ROLLBACK");
        result = -1;
        goto done;
    }
    if (cold) {
        result = install(db, tmp_path, db_path, live, diags);
        db = NULL;
    }

done:
    ph_writer_close(w);
    if (db && !cold && result != 0)
        exec(db, "ROLLBACK");
    ph_db_close(db);
    if (tmp_path && (result != 0 || live))
        unlink(tmp_path);
    unlock_db(db_path, lock);
    for (size_t i = 0; i < stored.len; i++)
        free(stored.items[i].path);
    free(stored.items);
    free(tmp_path);
    free(db_path);
    ph_walk_free(&walk);
    return result;
}

int ph_extract_memory(sqlite3 *db, const PhMemFile *files, size_t n, PhDiags *diags) {
    ph_parse_init();
    PhWriter *w = ph_writer_open(db, false, diags);
    if (!w)
        return -1;
    TSParser *parser = ts_parser_new();
    ts_parser_set_language(parser, ph_parse_language());
    int rc = exec(db, "BEGIN");
    for (size_t i = 0; i < n && rc == SQLITE_OK; i++) {
        PhFacts *f = ph_facts_new(files[i].path, files[i].path);
        f->file_id = (int64_t)i + 1;
        f->source = ph_xstrndup(files[i].text, files[i].len);
        f->source_len = files[i].len;
        f->size = (int64_t)files[i].len;
        f->hash = ph_hash64(f->source, f->source_len);
        bool pkg;
        char *module = ph_extract_module_name(f->path, &pkg);
        ph_source_prepare(&f->source, &f->source_len, f->path, f->diags);
        int errors = ph_parse_file(parser, f, module, pkg);
        PhSource src;
        ph_source_init(&src, f->source, f->source_len);
        if (errors >= 0)
            rc = ph_writer_put(w, f, module, pkg, ph_contexts_of(NULL, 0, f->path), ph_source_lines(&src), errors,
                               ph_writer_interface(f, module, pkg));
        ph_source_fini(&src);
        for (size_t k = 0; k < ph_diags_len(f->diags); k++) {
            const PhDiag *d = ph_diags_at(f->diags, k);
            ph_diags_add(diags, d->severity, d->path, d->line, d->col, d->end_col, d->source_line, "%s", d->message);
        }
        free(module);
        ph_facts_free(f);
    }
    ph_writer_close(w);
    ts_parser_delete(parser);
    if (rc == SQLITE_OK)
        rc = ph_db_derive(db, false, true, diags);
    if (rc == SQLITE_OK)
        rc = exec(db, "COMMIT");
    else
        exec(db, "ROLLBACK");
    return rc == SQLITE_OK ? 0 : -1;
}

int ph_extract_dump_tree(const char *path, FILE *out, PhDiags *diags) {
    size_t len;
    char *text = ph_read_regular(path, PH_MAX_FILE_BYTES, &len);
    if (!text) {
        ph_diags_add(diags, PH_ERROR, path, 0, 0, 0, NULL, "cannot read file: %s", read_error(errno));
        return -1;
    }
    ph_source_prepare(&text, &len, path, diags);
    TSParser *parser = ts_parser_new();
    ts_parser_set_language(parser, ph_parse_language());
    int rc = ph_parse_dump(parser, text, len, path, out, diags);
    ts_parser_delete(parser);
    free(text);
    return rc;
}
