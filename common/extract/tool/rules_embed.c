/* rules_embed -- turns the extraction rules (the .txt files of config/rules/) into C
 * at build time, so writctl, the daemons and the fuzzers carry them and
 * read no file at run time.
 *
 *   rules_embed OUT.c OUT.h RULES.txt... [config/agencies.zpl]
 *
 * A rules file holds one row a line. A field is a "double-quoted string"
 * (\" and \\ inside; UTF-8 as written; white space kept, so "if " keeps
 * its space) or a bare word (no blanks, quotes or '#'). Blank lines and
 * lines starting with '#' are comments, and so is the rest of a line from
 * a '#' outside quotes. Every row of a file has the same number of
 * fields. A line "#! COLUMN COLUMN=a|b ..." declares the columns: then
 * every row has that many fields, a COLUMN=a|b field is one of the
 * values listed, and OUT.h names the columns (RULES_NAME_COLUMN is the
 * column's index). For config/rules/NAME.txt, OUT.h gets
 *
 *   #define RULES_NAME_COUNT <rows>
 *   extern const char *const rules_NAME[<rows> + 1];         one field: NULL-terminated
 *   extern const char *const rules_NAME[<rows>][<fields>];   more fields
 *
 * and OUT.c the data. The legal team's list of agencies and their mail
 * domains (config/agencies.zpl, the one source of agencies' domains:
 * common/mail/agencies.h) comes whole, as the string rules_agencies_zpl, parsed
 * by common/mail/agencies.c like the file it reads at run time. A malformed file stops the build with FILE:LINE and
 * the reason (exit 65); the lists' limits are checked where they are used
 * (_Static_assert against RULES_NAME_COUNT), so a list that outgrows one
 * stops the build too, never cuts the list silently.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#define FIELDS_MAX 8
#define FIELD_MAX 512

typedef struct {
    char *field[FIELDS_MAX];
    int count;
} row_t;

typedef struct {
    char name[128];
    row_t *rows;
    size_t count, cap;
    int fields;
    int columns;                   /* declared by "#!", or 0 */
    char column[FIELDS_MAX][64];   /* their names */
    char allowed[FIELDS_MAX][256]; /* "a|b|c", or "" for any value */
} list_t;

static void die(const char *path, int line, const char *why)
{
    fprintf(stderr, "%s:%d: %s\n", path, line, why);
    exit(EX_DATAERR);
}

/* The file's base name without ".txt": a C identifier. */
static void list_name(const char *path, char *out, size_t outlen)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    size_t n = strlen(b);
    if (n < 5 || strcmp(b + n - 4, ".txt") != 0 || n - 4 >= outlen)
        die(path, 0, "a rules file is named NAME.txt");
    memcpy(out, b, n - 4);
    out[n - 4] = '\0';
    for (char *p = out; *p; p++)
        if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '_'))
            die(path, 0, "a rules file's NAME is lower case, digits and '_'");
}

/* One field at *p (after blanks); returns it (malloc'ed), or NULL at the
 * end of the row. */
static char *next_field(const char **pp, const char *path, int line)
{
    const char *p = *pp;
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p == '\0' || *p == '#' || *p == '\n' || *p == '\r')
        return NULL;
    char buf[FIELD_MAX];
    size_t n = 0;
    if (*p == '"') {
        for (p++; *p != '"'; p++) {
            if (*p == '\0' || *p == '\n')
                die(path, line, "unterminated \"string\"");
            if (*p == '\\') {
                p++;
                if (*p != '"' && *p != '\\')
                    die(path, line, "only \\\" and \\\\ are escapes");
            }
            if (n + 1 >= sizeof buf)
                die(path, line, "field too long");
            buf[n++] = *p;
        }
        p++;
        if (*p && !isspace((unsigned char)*p) && *p != '#')
            die(path, line, "a field ends at a blank after its closing quote");
    } else {
        while (*p && !isspace((unsigned char)*p) && *p != '#') {
            if (*p == '"')
                die(path, line, "a quote inside a bare word");
            if (n + 1 >= sizeof buf)
                die(path, line, "field too long");
            buf[n++] = *p++;
        }
    }
    buf[n] = '\0';
    *pp = p;
    char *f = strdup(buf);
    if (!f)
        die(path, line, "out of memory");
    return f;
}

/* "#! pattern match=words|exact name ...": the columns of the rows. */
static void read_columns(const char *text, list_t *l, const char *path, int line)
{
    if (l->columns || l->count)
        die(path, line, "\"#!\" comes once, before the first row");
    const char *p = text + 2;
    char word[320];
    int n;
    while (sscanf(p, " %319s%n", word, &n) == 1) {
        p += n;
        if (l->columns == FIELDS_MAX)
            die(path, line, "too many columns");
        char *eq = strchr(word, '=');
        if (eq)
            *eq = '\0';
        if (strlen(word) >= sizeof l->column[0] ||
            (eq && strlen(eq + 1) >= sizeof l->allowed[0]))
            die(path, line, "column declaration too long");
        for (char *c = word; *c; c++)
            if (!(islower((unsigned char)*c) || isdigit((unsigned char)*c) || *c == '_'))
                die(path, line, "a column's name is lower case, digits and '_'");
        strcpy(l->column[l->columns], word);
        strcpy(l->allowed[l->columns], eq ? eq + 1 : "");
        l->columns++;
    }
    if (l->columns == 0)
        die(path, line, "\"#!\" declares no column");
}

/* Is value one of "a|b|c"? */
static int allowed(const char *value, const char *list)
{
    size_t n = strlen(value);
    for (const char *p = list; *p;) {
        size_t k = strcspn(p, "|");
        if (k == n && strncmp(p, value, n) == 0)
            return 1;
        p += k + (p[k] == '|');
    }
    return 0;
}

static void read_list(const char *path, list_t *l)
{
    FILE *f = fopen(path, "r");
    if (!f)
        die(path, 0, "cannot read");
    list_name(path, l->name, sizeof l->name);
    char text[4096];
    int line = 0;
    while (fgets(text, sizeof text, f)) {
        line++;
        if (!strchr(text, '\n') && !feof(f))
            die(path, line, "line too long");
        if (text[0] == '#' && text[1] == '!') {
            read_columns(text, l, path, line);
            continue;
        }
        row_t r = { .count = 0 };
        const char *p = text;
        char *fld;
        while ((fld = next_field(&p, path, line)) != NULL) {
            if (r.count == FIELDS_MAX)
                die(path, line, "too many fields");
            r.field[r.count++] = fld;
        }
        if (r.count == 0)
            continue;
        if (l->fields && r.count != l->fields)
            die(path, line, "this row's field count differs from the first row's");
        if (l->columns && r.count != l->columns)
            die(path, line, "this row's field count differs from its \"#!\" columns");
        for (int k = 0; k < l->columns; k++)
            if (l->allowed[k][0] && !allowed(r.field[k], l->allowed[k]))
                die(path, line, "a field is not one of its column's values (\"#!\")");
        l->fields = r.count;
        if (l->count == l->cap) {
            l->cap = l->cap ? l->cap * 2 : 64;
            l->rows = realloc(l->rows, l->cap * sizeof *l->rows);
            if (!l->rows)
                die(path, line, "out of memory");
        }
        l->rows[l->count++] = r;
    }
    fclose(f);
    if (l->count == 0)
        die(path, line, "no rows");
}

/* A C string literal: printable ASCII as is, everything else octal (an
 * octal escape has at most three digits, so what follows never joins it). */
static void put_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p >= 0x20 && *p < 0x7f && *p != '?')
            fputc(*p, out);
        else
            fprintf(out, "\\%03o", *p);
    }
    fputc('"', out);
}

static void upper(const char *s, char *out)
{
    for (; *s; s++)
        *out++ = (char)toupper((unsigned char)*s);
    *out = '\0';
}

static void write_list(FILE *c, FILE *h, const list_t *l)
{
    char up[128];
    upper(l->name, up);
    fprintf(h, "#define RULES_%s_COUNT %zu\n", up, l->count);
    for (int k = 0; k < l->columns; k++) {
        char col[64];
        upper(l->column[k], col);
        fprintf(h, "#define RULES_%s_%s %d\n", up, col, k);
    }
    if (l->fields == 1) {
        fprintf(h, "extern const char *const rules_%s[RULES_%s_COUNT + 1];\n\n", l->name,
                up);
        fprintf(c, "const char *const rules_%s[RULES_%s_COUNT + 1] = {\n", l->name, up);
        for (size_t i = 0; i < l->count; i++) {
            fputs("    ", c);
            put_string(c, l->rows[i].field[0]);
            fputs(",\n", c);
        }
        fputs("    NULL};\n\n", c);
        return;
    }
    fprintf(h, "extern const char *const rules_%s[RULES_%s_COUNT][%d];\n\n", l->name, up,
            l->fields);
    fprintf(c, "const char *const rules_%s[RULES_%s_COUNT][%d] = {\n", l->name, up,
            l->fields);
    for (size_t i = 0; i < l->count; i++) {
        fputs("    {", c);
        for (int k = 0; k < l->fields; k++) {
            if (k)
                fputs(", ", c);
            put_string(c, l->rows[i].field[k]);
        }
        fputs("},\n", c);
    }
    fputs("};\n\n", c);
}

/* A whole file as one string: extern const char rules_NAME_zpl[]. */
static void write_text(FILE *c, FILE *h, const char *path)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    if (strcmp(b, "agencies.zpl") != 0)
        die(path, 0, "the one ZPL file embedded is agencies.zpl");
    FILE *f = fopen(path, "r");
    if (!f)
        die(path, 0, "cannot read");
    fprintf(h, "extern const char rules_agencies_zpl[];\n\n");
    fprintf(c, "const char rules_agencies_zpl[] =\n");
    char line[FIELD_MAX];
    while (fgets(line, sizeof line, f)) {
        fputs("    ", c);
        put_string(c, line);
        fputc('\n', c);
    }
    fputs("    \"\";\n\n", c);
    fclose(f);
}

static bool is_zpl(const char *path)
{
    size_t n = strlen(path);
    return n > 4 && strcmp(path + n - 4, ".zpl") == 0;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: rules_embed OUT.c OUT.h RULES.txt...\n");
        return EX_USAGE;
    }
    FILE *c = fopen(argv[1], "w"), *h = fopen(argv[2], "w");
    if (!c || !h) {
        fprintf(stderr, "rules_embed: cannot write %s / %s\n", argv[1], argv[2]);
        return EX_CANTCREAT;
    }
    const char *banner = "/* Generated by rules_embed from the .txt files of "
                         "config/rules/ and config/agencies.zpl: edit those. */\n";
    fprintf(h, "%s#ifndef WRIT_RULES_H\n#define WRIT_RULES_H\n\n#include <stddef.h>\n\n",
            banner);
    fprintf(c, "%s#include \"rules.h\"\n\n", banner);
    for (int i = 3; i < argc; i++) {
        if (is_zpl(argv[i])) {
            write_text(c, h, argv[i]);
            continue;
        }
        list_t l = { .count = 0 };
        read_list(argv[i], &l);
        write_list(c, h, &l);
        for (size_t r = 0; r < l.count; r++)
            for (int k = 0; k < l.rows[r].count; k++)
                free(l.rows[r].field[k]);
        free(l.rows);
    }
    fputs("#endif\n", h);
    if (fclose(c) != 0 || fclose(h) != 0) {
        fprintf(stderr, "rules_embed: write failed\n");
        return EX_IOERR;
    }
    return 0;
}
