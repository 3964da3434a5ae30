/*
 * context: the vocabulary of code contexts (RULES.md, "Code contexts"):
 * every file is `code`, `test`, `example` or `script`, the value of
 * files.context. The extractor decides a file's context from its path
 * (extractor/context.c); the rule runner and the report choose findings by
 * it (core/rules.c). This module only names them.
 */
#ifndef PH_CONTEXT_H
#define PH_CONTEXT_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
    PH_CTX_CODE,           /* the rest: what the project ships */
    PH_CTX_TEST,           /* tests, fixtures, conftest.py */
    PH_CTX_EXAMPLE,        /* examples, documentation, demos, samples */
    PH_CTX_SCRIPT,         /* setup.py, noxfile.py, scripts/ */
    PH_CTX_COUNT
} PhContext;

/* A set of contexts, one bit each (1u << PH_CTX_TEST ...). */
typedef unsigned PhContextSet;
#define PH_CTX_ALL ((PhContextSet)((1u << PH_CTX_COUNT) - 1))

/* "code", "test", "example", "script". Static. */
const char *ph_context_name(PhContext c);

/* The context spelled by s[0..n) (case-insensitive), or -1. */
int ph_context_parse(const char *s, size_t n);

/* A set from a list of context names separated by commas or blanks, or the
 * word "all". Returns false (and *bad, *bad_len locate the word that is not
 * a context; both may be NULL) when a word is unknown or the list is empty. */
bool ph_context_set_parse(const char *list, PhContextSet *out, const char **bad, size_t *bad_len);

/* The set's names, comma-separated ("code,test"), or "all". Caller frees
 * with free(). */
char *ph_context_set_text(PhContextSet set);

#endif
