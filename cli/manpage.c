/*
 * manpage: the manual page and the shell completion scripts, generated
 * from the tables that parse the command line and print `--help`: the
 * command list (main.c), each command's PhOption rows (cmd_*.c, through
 * ph_opts_describe for the same wording), the exit codes, the built-in
 * rule ids and the schema's tables. Nothing here is written by hand per
 * command, so the page and the completions cannot drift from the parser.
 * `make install` runs `pyhunt help --man` and `pyhunt help --completion
 * bash|zsh` on the built binary and installs what they print.
 */
#include "cli.h"
#include "db.h"
#include "schemadoc.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------------
 * Shared: operands and the words completions offer.
 */

/* One operand of a command's `operands` text ("  NAME   text", continued
 * on lines that start with blanks). */
typedef struct Operand {
    char *name;
    char *text;            /* continuation lines joined with spaces */
} Operand;

/* The operands of cmd. Caller frees with operands_free(). */
static PhVec(Operand) *operands_of(const PhCommand *cmd) {
    PhVec(Operand) *v = ph_xcalloc(1, sizeof *v);
    for (const char *p = cmd->operands ? cmd->operands : ""; *p;) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        size_t i = strspn(p, " ");
        if (i < n && i <= 2) {
            size_t k = i + strcspn(p + i, " ");
            size_t t = k + strspn(p + k, " ");
            Operand o = {ph_xstrndup(p + i, k - i), ph_xstrndup(p + t, n > t ? n - t : 0)};
            ph_vec_push(v, o);
        } else if (i < n && v->len) {
            Operand *o = &v->items[v->len - 1];
            char *joined = ph_xasprintf("%s %.*s", o->text, (int)(n - i), p + i);
            free(o->text);
            o->text = joined;
        }
        p = e ? e + 1 : p + n;
    }
    return (void *)v;
}

static void operands_free(void *vv) {
    PhVec(Operand) *v = vv;
    for (size_t i = 0; i < v->len; i++) {
        free(v->items[i].name);
        free(v->items[i].text);
    }
    free(v->items);
    free(v);
}

static const char *dashes(const PhOption *o) { return o->flags & PH_OPT_ONE_DASH ? "-" : "--"; }

/* The text of s as a ph_xmalloc'd string. Caller frees with free(). */
static char *finish(sqlite3_str *s) {
    char *t = sqlite3_str_finish(s);
    char *r = ph_xstrdup(t ? t : "");
    sqlite3_free(t);
    return r;
}

/* The names `pyhunt schema TABLE` knows, space-separated: every table and
 * view of the schema. Caller frees with free(). */
static char *schema_names(void) {
    sqlite3_str *s = sqlite3_str_new(NULL);
    for (size_t i = 0; i < ph_schemadoc_count(); i++)
        sqlite3_str_appendf(s, "%s%s", i ? " " : "", ph_schemadoc_at(i)->name);
    ph_schemadoc_free();
    return finish(s);
}

/* The words of an enum row, space-separated. Caller frees with free(). */
static char *option_words(const PhOption *o) {
    sqlite3_str *s = sqlite3_str_new(NULL);
    for (size_t k = 0; o->words[k]; k++)
        sqlite3_str_appendf(s, "%s%s", k ? " " : "", o->words[k]);
    return finish(s);
}

/* Built-in rule ids, their family prefixes (PH1...) and ALL, space-separated.
 * Caller frees with free(). */
static char *rule_words(void) {
    PhRuleSet *rules = ph_rules_builtin();
    sqlite3_str *s = sqlite3_str_new(NULL);
    sqlite3_str_appendall(s, PH_RULES_ALL);
    char last[8] = "";
    for (size_t i = 0; i < ph_rules_len(rules); i++) {
        const char *id = ph_rules_at(rules, i)->id;
        size_t k = strcspn(id, "0123456789") + 1;     /* PH1 of PH101 */
        if (strlen(id) > k && (strlen(last) != k || strncmp(last, id, k) != 0)) {
            snprintf(last, sizeof last, "%.*s", (int)k, id);
            sqlite3_str_appendf(s, " %s", last);
        }
    }
    for (size_t i = 0; i < ph_rules_len(rules); i++)
        sqlite3_str_appendf(s, " %s", ph_rules_at(rules, i)->id);
    ph_rules_free(rules);
    return finish(s);
}

/* What a command's operands complete to: command names for help, tables
 * for schema, nothing for a command without operands, else files. */
typedef enum { OPERAND_NONE, OPERAND_FILES, OPERAND_COMMANDS, OPERAND_TABLES } OperandKind;

static const struct {
    const char *command;
    OperandKind kind;
} operand_kinds[] = {{"help", OPERAND_COMMANDS}, {"schema", OPERAND_TABLES}};

static OperandKind operand_kind(const PhCommand *c) {
    for (size_t i = 0; i < sizeof operand_kinds / sizeof *operand_kinds; i++)
        if (strcmp(operand_kinds[i].command, c->name) == 0)
            return operand_kinds[i].kind;
    return c->max_args == 0 ? OPERAND_NONE : OPERAND_FILES;
}

/* The words a command's operands complete to (commands or tables), or
 * NULL: files, or nothing. Borrowed from the arguments. */
static const char *operand_words(const PhCommand *c, const char *commands, const char *tables) {
    OperandKind k = operand_kind(c);
    return k == OPERAND_COMMANDS ? commands : k == OPERAND_TABLES ? tables : NULL;
}

/* Visible command names, space-separated. Caller frees with free(). */
static char *command_words(void) {
    sqlite3_str *s = sqlite3_str_new(NULL);
    for (const PhCommand *const *c = ph_commands; *c; c++)
        if (!(*c)->hidden)
            sqlite3_str_appendf(s, "%s%s", sqlite3_str_length(s) ? " " : "", (*c)->name);
    return finish(s);
}

/* ---------------------------------------------------------------------------
 * The manual page.
 */

/* Text in roff: backslashes and hyphens escaped, a line never starting with
 * a control character. */
static void roff(FILE *out, const char *s) {
    if (*s == '.' || *s == '\'')
        fputs("\\&", out);
    for (; *s; s++)
        if (*s == '\\')
            fputs("\\e", out);
        else if (*s == '-')
            fputs("\\-", out);
        else if (*s == '\n')
            putc(' ', out);
        else
            putc(*s, out);
}

static void man_option(FILE *out, const PhOption *o) {
    fputs(".TP\n", out);
    if (o->short_name)
        fprintf(out, "\\fB\\-%c\\fR, ", o->short_name);
    fputs("\\fB", out);
    roff(out, dashes(o));
    roff(out, o->name);
    fputs("\\fR", out);
    if (o->value) {
        fputs(" \\fI", out);
        roff(out, o->value);
        fputs("\\fR", out);
    }
    fputc('\n', out);
    char *d = ph_opts_describe(o);
    roff(out, d);
    fputs(".\n", out);
    free(d);
}

static void man_command(FILE *out, const PhCommand *c) {
    fputs(".SS \"pyhunt ", out);
    roff(out, c->name);
    if (*c->usage) {
        putc(' ', out);
        roff(out, c->usage);
    }
    fputs("\"\n", out);
    roff(out, c->summary);
    fputs(".\n", out);
    void *ops = operands_of(c);
    PhVec(Operand) *v = ops;
    for (size_t i = 0; i < v->len; i++) {
        fputs(".TP\n\\fI", out);
        roff(out, v->items[i].name);
        fputs("\\fR\n", out);
        roff(out, v->items[i].text);
        fputc('\n', out);
    }
    operands_free(ops);
    for (const PhOption *o = c->options; o && o->name; o++)
        if (!(o->flags & PH_OPT_HIDDEN))
            man_option(out, o);
    if (c->notes) {
        fputs(".PP\n", out);
        roff(out, c->notes);
        fputc('\n', out);
    }
}

void ph_cli_man(FILE *out) {
    fprintf(out,
            ".\\\" pyhunt(1), generated by `pyhunt help --man` from pyhunt's command and option tables.\n"
            ".TH PYHUNT 1 \"\" \"pyhunt %s\" \"User Commands\"\n"
            ".SH NAME\npyhunt \\- ",
            PH_TOOL_VERSION);
    roff(out, ph_cli_about);
    fputs("\n.SH SYNOPSIS\n", out);
    for (const PhCommand *const *c = ph_commands; *c; c++) {
        if ((*c)->hidden)
            continue;
        fprintf(out, "%s\\fBpyhunt %s\\fR ", c == ph_commands ? "" : ".br\n", (*c)->name);
        roff(out, (*c)->usage);
        fputc('\n', out);
    }
    fputs(".SH DESCRIPTION\n"
          "pyhunt parses every Python file of a tree with tree\\-sitter, stores facts about it (calls resolved "
          "through imports, awaits, loops, with\\-blocks, assignments, handlers...) in an SQLite database, "
          "and runs rules that are SQL queries over those facts.\n"
          ".B pyhunt audit\n"
          "reports what the rules find, for people and for CI;\n"
          ".B pyhunt repl\n"
          "explores the facts and saves new rules.\n"
          "The first run builds\n.IR PATH /.pyhunt/facts.db;\n"
          "later runs re\\-extract only the files that changed.\n"
          ".PP\n"
          "Options may come before or after operands, as\n.BI \\-\\-name \" value\",\n"
          ".BI \\-\\-name= value\n"
          "or, for those with a short form,\n.BI \\- x \" value\";\n"
          ".B \\-\\-\n"
          "ends the options, and every command takes\n.BR \\-h ,\n.BR \\-\\-help .\n"
          "Every argument is checked before any work starts.\n"
          ".SH COMMANDS\n",
          out);
    for (const PhCommand *const *c = ph_commands; *c; c++)
        if (!(*c)->hidden)
            man_command(out, *c);
    fputs(".SH \"EXIT STATUS\"\n", out);
    for (const PhExitCode *e = ph_exit_codes; e->meaning; e++) {
        fprintf(out, ".TP\n.B %d\n", e->code);
        roff(out, e->meaning);
        fputc('\n', out);
    }
    fputs(".SH ENVIRONMENT\n"
          ".TP\n.B NO_COLOR\nwhen set, reports are plain text even on a terminal.\n"
          ".TP\n.B XDG_CONFIG_HOME\nthe user's rules are in\n.IR $XDG_CONFIG_HOME /pyhunt/rules\n"
          "(without it,\n.IR $HOME /.config/pyhunt/rules ).\n"
          ".SH FILES\n"
          ".TP\n.IR pyproject.toml \" ([tool.pyhunt]), \" pyhunt.toml \", \" .pyhunt.toml\n"
          "the configuration: the nearest from the audited paths upwards, up to the top of the git repository;\n"
          ".B \\-\\-config\n.I FILE\nnames one,\n.B \\-\\-isolated\nreads none, and command\\-line options override "
          "it\n.RB ( \"pyhunt config\" \" lists its keys).\"\n"
          ".TP\n.IR PATH /.pyhunt/facts.db\n"
          "the fact database of the tree PATH (derived data, ignored by git:\n.I .pyhunt/.gitignore\n"
          "holds\n.BR * ).\n"
          ".TP\n.IR PATH /.pyhunt\\-rules/\n"
          "the project's own rules, one SQL file each, read by every command (the REPL's\n.B .save\n"
          "writes there).\n"
          ".TP\n.I ~/.config/pyhunt/rules/\nthe user's rules.\n"
          ".SH \"SEE ALSO\"\n"
          ".BR sqlite3 (1);\n"
          ".B pyhunt rules \\-\\-explain\n.I ID\nfor what a rule finds and why;\n"
          ".B pyhunt schema\nfor the tables and views rules query.\n",
          out);
}

/* ---------------------------------------------------------------------------
 * Completion.
 */

/* Does the option's value complete to file names? */
static bool takes_files(const PhOption *o) { return o->kind == PH_OPT_PATH; }

/* bash: one function, a case per command, then per option that takes a
 * value. */
static void bash(FILE *out) {
    char *commands = command_words(), *ids = rule_words();
    char *tables = schema_names();
    fprintf(out,
            "# bash completion for pyhunt, generated by `pyhunt help --completion bash` (pyhunt %s)\n"
            "_pyhunt() {\n"
            "    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} cmd= i\n"
            "    # --name=value: bash splits at the '='\n"
            "    if [[ $cur == = ]]; then cur=; fi\n"
            "    if [[ $prev == = ]] && ((COMP_CWORD > 1)); then prev=${COMP_WORDS[COMP_CWORD-2]}; fi\n"
            "    for ((i = 1; i < COMP_CWORD; i++)); do\n"
            "        case ${COMP_WORDS[i]} in -*) ;; *) cmd=${COMP_WORDS[i]}; break ;; esac\n"
            "    done\n"
            "    if [[ -z $cmd ]]; then\n"
            "        COMPREPLY=($(compgen -W '%s -h --help -V --version' -- \"$cur\"))\n"
            "        return\n"
            "    fi\n"
            "    local ids='%s'\n"
            "    case $cmd in\n",
            PH_TOOL_VERSION, commands, ids);
    for (const PhCommand *const *c = ph_commands; *c; c++) {
        if ((*c)->hidden)
            continue;
        fprintf(out, "    %s)\n        case $prev in\n", (*c)->name);
        for (const PhOption *o = (*c)->options; o && o->name; o++) {
            if ((o->flags & PH_OPT_HIDDEN) || o->kind == PH_OPT_FLAG)
                continue;
            fprintf(out, "        %s%s", dashes(o), o->name);
            if (o->short_name)
                fprintf(out, "|-%c", o->short_name);
            fputs(") ", out);
            char *words = o->words ? option_words(o) : NULL;
            if (o->kind == PH_OPT_ENUM) {
                fprintf(out, "COMPREPLY=($(compgen -W '%s' -- \"$cur\"))", words);
            } else if (o->kind == PH_OPT_IDS || o->kind == PH_OPT_WORDS) {
                /* a comma-separated list: complete its last item */
                fprintf(out,
                        "local pre=; [[ $cur == *,* ]] && pre=${cur%%,*},; "
                        "COMPREPLY=($(compgen -P \"$pre\" -W %s%s%s -- \"${cur##*,}\"))",
                        words ? "'" : "\"", words ? words : "$ids", words ? "'" : "\"");
            } else if (takes_files(o)) {
                fputs("compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- \"$cur\"))", out);
            } else {
                fputs("COMPREPLY=()", out);
            }
            free(words);
            fputs("; return ;;\n", out);
        }
        fputs("        esac\n        if [[ $cur == -* ]]; then\n            COMPREPLY=($(compgen -W '", out);
        bool first = true;
        for (const PhOption *o = (*c)->options; o && o->name; o++) {
            if (o->flags & PH_OPT_HIDDEN)
                continue;
            fprintf(out, "%s%s%s", first ? "" : " ", dashes(o), o->name);
            if (o->short_name)
                fprintf(out, " -%c", o->short_name);
            first = false;
        }
        fprintf(out, "%s--help' -- \"$cur\"))\n", first ? "" : " ");
        const char *words = operand_words(*c, commands, tables);
        if (words)
            fprintf(out, "        else\n            COMPREPLY=($(compgen -W '%s' -- \"$cur\"))\n", words);
        else if (operand_kind(*c) == OPERAND_FILES)
            fputs("        else\n            compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- \"$cur\"))\n",
                  out);
        fputs("        fi ;;\n", out);
    }
    fputs("    esac\n}\ncomplete -F _pyhunt pyhunt\n", out);
    free(tables);
    free(commands);
    free(ids);
}

/* Text in single quotes for zsh, single quotes closed and reopened; the
 * characters of `special` (what ends the field it is in) are escaped with
 * a backslash. */
static void zsh_text(FILE *out, const char *s, const char *special) {
    for (; *s; s++)
        if (*s == '\'')
            fputs("'\\''", out);
        else if (*s == '\\' || strchr(special, *s))
            fprintf(out, "\\%c", *s);
        else
            putc(*s == '\n' ? ' ' : *s, out);
}

static void zsh_option(FILE *out, const PhOption *o) {
    const char *rep = ph_opts_is_list(o) ? "*" : "";
    char *d = ph_opts_describe(o);
    fputs("        '", out);
    if (o->short_name)
        fprintf(out, "%s(-%c %s%s)'{-%c,%s%s%s}'", rep, o->short_name, dashes(o), o->name, o->short_name,
                dashes(o), o->name, o->kind == PH_OPT_FLAG ? "" : "=");
    else
        fprintf(out, "%s%s%s%s", rep, dashes(o), o->name, o->kind == PH_OPT_FLAG || (o->flags & PH_OPT_ONE_DASH) ? "" : "=");
    fputc('[', out);
    zsh_text(out, d, "[]");
    fputc(']', out);
    if (o->kind != PH_OPT_FLAG) {
        fputc(':', out);
        zsh_text(out, o->value ? o->value : "value", ":");
        fputc(':', out);
        char *words = o->words ? option_words(o) : NULL;
        if (o->kind == PH_OPT_ENUM) {
            fprintf(out, "(%s)", words);
        } else if (o->kind == PH_OPT_IDS) {
            fputs("_pyhunt_ids", out);
        } else if (o->kind == PH_OPT_WORDS) {
            fputs("_values -s , ", out);
            zsh_text(out, o->value ? o->value : "word", "");
            fprintf(out, " %s", words);
        } else if (takes_files(o)) {
            fputs("_files", out);
        } else {
            fputs(" ", out);
        }
        free(words);
    }
    fputs("' \\\n", out);
    free(d);
}

static void zsh(FILE *out) {
    char *commands = command_words(), *ids = rule_words();
    char *tables = schema_names();
    fprintf(out,
            "#compdef pyhunt\n"
            "# zsh completion for pyhunt, generated by `pyhunt help --completion zsh` (pyhunt %s)\n\n"
            "_pyhunt_ids() {\n    _values -s , 'rule id or prefix' %s\n}\n\n"
            "_pyhunt() {\n"
            "    local -a commands\n"
            "    commands=(\n",
            PH_TOOL_VERSION, ids);
    for (const PhCommand *const *c = ph_commands; *c; c++)
        if (!(*c)->hidden) {
            fprintf(out, "        '%s:", (*c)->name);
            zsh_text(out, (*c)->summary, "");
            fputs("'\n", out);
        }
    fputs("    )\n"
          "    if (( CURRENT == 2 )); then\n"
          "        _describe -t commands 'pyhunt command' commands\n"
          "        return\n"
          "    fi\n"
          "    local cmd=$words[2]\n"
          "    shift words\n"
          "    (( CURRENT-- ))\n"
          "    case $cmd in\n",
          out);
    for (const PhCommand *const *c = ph_commands; *c; c++) {
        if ((*c)->hidden)
            continue;
        fprintf(out, "    %s)\n        _arguments -s \\\n", (*c)->name);
        for (const PhOption *o = (*c)->options; o && o->name; o++)
            if (!(o->flags & PH_OPT_HIDDEN))
                zsh_option(out, o);
        fputs("        '(- *)'{-h,--help}'[show help]' \\\n", out);
        const char *words = operand_words(*c, commands, tables);
        if (words)
            fprintf(out, "        ':%s:(%s)'", operand_kind(*c) == OPERAND_COMMANDS ? "command" : "table", words);
        else if (operand_kind(*c) == OPERAND_FILES)
            fputs("        '*:file:_files'", out);
        else
            fputs("        ", out);
        fputs(" ;;\n", out);
    }
    fputs("    esac\n}\n\n_pyhunt \"$@\"\n", out);
    free(tables);
    free(commands);
    free(ids);
}

void ph_cli_completion(FILE *out, const char *shell) {
    if (strcmp(shell, "zsh") == 0)
        zsh(out);
    else
        bash(out);
}
