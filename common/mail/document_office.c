/* document_office.c -- the text of a .docx (word/document.xml) or an .odt
 * (content.xml), read out of the zip with libzip and walked with libxml2:
 * paragraphs become lines, tabs and breaks are kept, deleted (tracked)
 * text is left out.
 *
 * A zip bomb stops at settings->max_xml bytes unpacked; libxml2 parses
 * without network access and without expanding entities.
 */
#include "document_impl.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

static zip_t *open_zip(const void *data, size_t len)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
    zip_t *z = src ? zip_open_from_source(src, ZIP_RDONLY, &ze) : NULL;
    if (!z && src)
        zip_source_free(src);
    zip_error_fini(&ze);
    return z;
}

/* Up to max bytes of member name (malloc'ed, NUL-terminated), NULL when
 * missing; *over when it unpacks to more than max. */
static char *read_member(zip_t *z, const char *name, size_t max, size_t *len, bool *over)
{
    *over = false;
    zip_file_t *f = zip_fopen(z, name, 0);
    if (!f)
        return NULL;
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap + 1);
    while (buf) {
        if (n == cap) {
            if (cap >= max) {
                *over = true;
                break;
            }
            cap = cap * 2 > max ? max : cap * 2;
            char *g = realloc(buf, cap + 1);
            if (!g)
                break;
            buf = g;
        }
        zip_int64_t r = zip_fread(f, buf + n, cap - n);
        if (r < 0) {
            free(buf);
            buf = NULL;
            break;
        }
        if (r == 0) {
            buf[n] = '\0';
            *len = n;
            zip_fclose(f);
            return buf;
        }
        n += (size_t)r;
    }
    free(buf);
    zip_fclose(f);
    return NULL;
}

static bool member_equals(zip_t *z, const char *name, const char *want)
{
    bool over = false;
    size_t n = 0;
    char *v = read_member(z, name, 256, &n, &over);
    bool eq = v && n == strlen(want) && memcmp(v, want, n) == 0;
    free(v);
    return eq;
}

doc_kind_t document_zip_kind(const void *data, size_t len)
{
    zip_t *z = open_zip(data, len);
    if (!z)
        return DOC_KIND_NONE;
    doc_kind_t kind = DOC_KIND_NONE;
    if (zip_name_locate(z, "word/document.xml", 0) >= 0)
        kind = DOC_KIND_DOCX;
    else if (zip_name_locate(z, "content.xml", 0) >= 0 &&
             member_equals(z, "mimetype", "application/vnd.oasis.opendocument.text"))
        kind = DOC_KIND_ODT;
    zip_discard(z);
    return kind;
}

static bool named(const xmlNode *n, const char *name)
{
    return n->name && !strcmp((const char *)n->name, name);
}

static void walk_docx(const xmlNode *n, GString *out)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (named(n, "t")) {
            xmlChar *c = xmlNodeGetContent(n);
            if (c)
                g_string_append(out, (const char *)c);
            xmlFree(c);
            continue;
        }
        if (named(n, "delText") || named(n, "instrText"))
            continue; /* deleted text, field codes: not what is read */
        if (named(n, "tab"))
            g_string_append_c(out, '\t');
        else if (named(n, "br") || named(n, "cr"))
            g_string_append_c(out, '\n');
        walk_docx(n->children, out);
        if (named(n, "p"))
            g_string_append_c(out, '\n');
    }
}

static void walk_odt(const xmlNode *n, GString *out)
{
    for (; n; n = n->next) {
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            if (n->content && n->parent && n->parent->ns &&
                !strcmp((const char *)n->parent->ns->prefix
                            ? (const char *)n->parent->ns->prefix
                            : "",
                        "text"))
                g_string_append(out, (const char *)n->content);
            continue;
        }
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (named(n, "s")) {
            xmlChar *c = xmlGetProp(n, (const xmlChar *)"c");
            int k = c ? atoi((const char *)c) : 1;
            xmlFree(c);
            for (int i = 0; i < k && i < 64; i++)
                g_string_append_c(out, ' ');
            continue;
        }
        if (named(n, "tab"))
            g_string_append_c(out, '\t');
        else if (named(n, "line-break"))
            g_string_append_c(out, '\n');
        walk_odt(n->children, out);
        if (named(n, "p") || named(n, "h"))
            g_string_append_c(out, '\n');
    }
}

int document_office(const document_settings_t *s, doc_kind_t kind, const void *data,
                    size_t len, GString *out, document_result_t *res)
{
    const char *name = kind == DOC_KIND_DOCX ? "word/document.xml" : "content.xml";
    zip_t *z = open_zip(data, len);
    if (!z) {
        document_fail(res, "not a readable %s (bad zip)", document_kind_name(kind));
        return -1;
    }
    bool over = false;
    size_t n = 0;
    char *xml = read_member(z, name, s->max_xml, &n, &over);
    zip_discard(z);
    if (!xml) {
        if (over)
            document_fail(res, "%s unpacks to more than %zu bytes", name, s->max_xml);
        else
            document_fail(res, "not a readable %s (no %s)", document_kind_name(kind),
                          name);
        return -1;
    }
    xmlDocPtr doc =
        xmlReadMemory(xml, (int)n, name, NULL,
                      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    free(xml);
    if (!doc) {
        document_fail(res, "not a readable %s (bad XML in %s)", document_kind_name(kind),
                      name);
        return -1;
    }
    const xmlNode *root = xmlDocGetRootElement(doc);
    if (kind == DOC_KIND_DOCX)
        walk_docx(root, out);
    else
        walk_odt(root, out);
    xmlFreeDoc(doc);
    res->pages = 1;
    res->method = kind == DOC_KIND_DOCX ? DOC_METHOD_DOCX : DOC_METHOD_ODT;
    return 0;
}
