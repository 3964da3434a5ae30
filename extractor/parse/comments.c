/*
 * comments: comments and suppressions: a comments row per comment, with the
 * rule ids its `# noqa` or `# pyhunt: ignore[...]` names.
 */
#include "parse/internal.h"

/* `# noqa`, `# noqa: PH101,PH113`, `# pyhunt: ignore[PH101]`: the ids as
 * ',PH101,PH113,', '*' for all, or NULL. Caller frees. */
static char *parse_noqa(const char *s, size_t n) {
    char *t = ph_xstrndup(s, n);
    char *out = NULL;
    const char *codes = NULL;
    for (char *q = t; *q; q++)
        *q = (char)tolower((unsigned char)*q);
    char *at = strstr(t, "noqa");
    char *ig = strstr(t, "pyhunt: ignore[");
    if (!ig)
        ig = strstr(t, "pyhunt:ignore[");
    if (ig) {
        codes = s + (strchr(ig, '[') - t) + 1;
    } else if (at) {
        const char *after = at + 4;
        while (*after == ' ')
            after++;
        if (*after == ':')
            codes = s + (after - t) + 1;
        else
            out = ph_xstrdup("*");
    }
    if (codes) {
        size_t cap = n + 3, len = 0;
        out = ph_xmalloc(cap);
        out[len++] = ',';
        const char *q = codes;
        while (q < s + n) {
            while (q < s + n && (*q == ' ' || *q == ','))
                q++;
            const char *start = q;
            while (q < s + n && isalnum((unsigned char)*q))
                q++;
            if (q == start)
                break;
            memcpy(out + len, start, (size_t)(q - start));
            len += (size_t)(q - start);
            out[len++] = ',';
        }
        out[len] = 0;
        if (len == 1)
            out[0] = '*', out[1] = 0;   /* `# noqa:` with no ids: every rule */
        for (char *u = out; *u; u++)
            *u = (char)toupper((unsigned char)*u);
    }
    free(t);
    return out;
}

static void visit_comment(Parser *p, TSNode n) {
    PhVal *v = row(p, PH_T_comments, NULL);
    set_text(p, &v[PH_C_comments_text], n);
    size_t len;
    const char *s = text(p, n, &len);
    char *noqa = parse_noqa(s, len);
    if (noqa) {
        ph_val_str(p->f, &v[PH_C_comments_noqa], noqa);
        free(noqa);
    }
    set_loc(p, v, PH_C_comments_line, n);
}
