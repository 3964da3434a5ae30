/*
 * embedded: the text files compiled into the binary by tools/embed.c (the
 * schema .sql files, the catalogue .tsv files, then the queries, each set
 * sorted by name).
 */
#ifndef PH_EMBEDDED_H
#define PH_EMBEDDED_H

typedef struct PhEmbedded {
    const char *path;   /* as in the source tree: "schema/tables.sql" */
    const char *text;
} PhEmbedded;

/* Ended by an entry whose path is NULL. Static. */
extern const PhEmbedded ph_embedded[];

#endif
