/*
 * context: names of code contexts and sets of them.
 */
#include "context.h"
#include "util.h"

#include <string.h>
#include <strings.h>

static const char *const names[PH_CTX_COUNT] = {"code", "test", "example", "script"};

const char *ph_context_name(PhContext c) { return c >= 0 && c < PH_CTX_COUNT ? names[c] : "code"; }

int ph_context_parse(const char *s, size_t n) {
    for (int c = 0; c < PH_CTX_COUNT; c++)
        if (strlen(names[c]) == n && strncasecmp(names[c], s, n) == 0)
            return c;
    return -1;
}

bool ph_context_set_parse(const char *list, PhContextSet *out, const char **bad, size_t *bad_len) {
    PhContextSet set = 0;
    bool any = false;
    for (const char *p = list ? list : ""; *p;) {
        p += strspn(p, ", \t");
        size_t n = strcspn(p, ", \t");
        if (!n)
            break;
        int c = ph_context_parse(p, n);
        if (c < 0 && !(n == 3 && strncasecmp(p, "all", 3) == 0)) {
            if (bad)
                *bad = p;
            if (bad_len)
                *bad_len = n;
            return false;
        }
        set |= c < 0 ? PH_CTX_ALL : 1u << c;
        any = true;
        p += n;
    }
    if (!any) {
        if (bad)
            *bad = list ? list : "";
        if (bad_len)
            *bad_len = 0;
        return false;
    }
    *out = set;
    return true;
}

char *ph_context_set_text(PhContextSet set) {
    if ((set & PH_CTX_ALL) == PH_CTX_ALL)
        return ph_xstrdup("all");
    char buf[64] = "";
    for (int c = 0; c < PH_CTX_COUNT; c++)
        if (set & (1u << c)) {
            if (*buf)
                strcat(buf, ",");
            strcat(buf, names[c]);
        }
    return ph_xstrdup(buf);
}
