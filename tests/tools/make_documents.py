#!/usr/bin/env python3
"""make_documents.py OUTDIR -- writes the documents the document tests use
(tests/fixtures/documents/ holds their output; rerun to regenerate):

  letter.docx, letter.odt      a short preservation request as Word / ODF
  encrypted.pdf                a PDF under the standard security handler
                               with a user password writ does not have
  corrupt.pdf                  bytes that are no PDF at all
  truncated.pdf                a PDF cut off after its header
  pages-500.pdf                500 pages (over the page limit)
  huge-image.png               a 20000 x 20000 PNG (1 bit, compresses small)
  bomb.pdf                     an image-only page whose image inflates to
                               1.6 GB (Flate applied twice: a few KB here)
  crash.pdf                    a text PDF carrying WRIT-TEST-CRASH, the
                               marker the converter's fault injection
                               (WRIT_TEST_FAULTS=1) crashes on

Only the standard library: no document is made with the decoders under
test.
"""
import os
import struct
import sys
import zipfile
import zlib

LETTER = [
    "UNITED STATES DEPARTMENT OF JUSTICE",
    "DRUG ENFORCEMENT ADMINISTRATION",
    "Reference: DEA-PRV-2025-0412",
    "Date: March 3, 2025",
    "PRESERVATION REQUEST PURSUANT TO 18 U.S.C. 2703(f)",
    "Please preserve all records, including the contents of e-mails,",
    "associated with the account r.tanaka@northmail.example for 90 days.",
]


def pdf(objects):
    """objects: list of bytes bodies for objects 1..n (1 = catalog)."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for o in offsets:
        out += b"%010d 00000 n \n" % o
    return out, xref


def finish(out, xref, n, extra=b""):
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        n + 1, extra, xref)
    return bytes(out)


def stream(data, extra=b""):
    return b"<< /Length %d %s>>\nstream\n" % (len(data), extra) + data + \
        b"\nendstream"


def text_pdf(lines):
    ops = b"BT /F1 11 Tf 72 720 Td 14 TL\n" + b"".join(
        b"(" + l.encode() + b") Tj T*\n" for l in lines) + b"ET"
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
            stream(ops),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, xref = pdf(objs)
    return finish(out, xref, len(objs))


def many_pages(n):
    kids = b" ".join(b"%d 0 R" % (i + 4) for i in range(n))
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % n,
            stream(b"BT /F1 11 Tf 72 720 Td (page) Tj ET")]
    for _ in range(n):
        objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                    b"/Contents 3 0 R >>")
    out, xref = pdf(objs)
    return finish(out, xref, len(objs))


def encrypted():
    # RC4 40-bit standard handler; /O and /U are not derived from any
    # password writ could try, so opening it needs the (unknown) one.
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
            b"<< /Filter /Standard /V 1 /R 2 /O <" + b"a5" * 32 +
            b"> /U <" + b"5a" * 32 + b"> /P -4 >>"]
    out, xref = pdf(objs)
    return finish(out, xref, len(objs),
                  b"/Encrypt 4 0 R /ID [<0123456789abcdef0123456789abcdef>"
                  b" <0123456789abcdef0123456789abcdef>] ")


def deflate_stream(total, chunk=1 << 20):
    c = zlib.compressobj(9)
    parts = []
    zero = bytes(chunk)
    left = total
    while left:
        k = min(left, chunk)
        parts.append(c.compress(zero[:k]))
        left -= k
    parts.append(c.flush())
    return b"".join(parts)


def bomb():
    w, h = 40000, 40000          # 1.6 GB of 8-bit grey once inflated
    once = deflate_stream(w * h)
    twice = zlib.compress(once, 9)
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>",
            stream(b"q 612 0 0 792 0 0 cm /Im1 Do Q"),
            stream(twice, b"/Type /XObject /Subtype /Image /Width %d /Height %d "
                   b"/ColorSpace /DeviceGray /BitsPerComponent 8 "
                   b"/Filter [/FlateDecode /FlateDecode] " % (w, h))]
    out, xref = pdf(objs)
    return finish(out, xref, len(objs))


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + \
        struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)


def huge_png(w=20000, h=20000):
    row = b"\0" + b"\xff" * ((w + 7) // 8)          # filter 0, white, 1 bit
    c = zlib.compressobj(9)
    data = b"".join(c.compress(row) for _ in range(h)) + c.flush()
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(
        ">IIBBBBB", w, h, 1, 0, 0, 0, 0)) + png_chunk(b"IDAT", data) + \
        png_chunk(b"IEND", b"")


def docx(path):
    body = "".join('<w:p><w:r><w:t xml:space="preserve">%s</w:t></w:r></w:p>'
                   % l for l in LETTER)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0"?><Types xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/content-types"><Override '
                   'PartName="/word/document.xml" ContentType="application/'
                   'vnd.openxmlformats-officedocument.wordprocessingml.'
                   'document.main+xml"/></Types>')
        z.writestr("word/document.xml",
                   '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w='
                   '"http://schemas.openxmlformats.org/wordprocessingml/2006/'
                   'main"><w:body>' + body + '</w:body></w:document>')


def odt(path):
    body = "".join("<text:p>%s</text:p>" % l for l in LETTER)
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text",
                   compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml",
                   '<?xml version="1.0" encoding="UTF-8"?><office:document-'
                   'content xmlns:office="urn:oasis:names:tc:opendocument:'
                   'xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:'
                   'opendocument:xmlns:text:1.0"><office:body><office:text>' +
                   body + '</office:text></office:body></office:document-'
                   'content>')


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)

    def put(name, data):
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)

    docx(os.path.join(out, "letter.docx"))
    odt(os.path.join(out, "letter.odt"))
    put("letter.pdf", text_pdf(LETTER))
    put("encrypted.pdf", encrypted())
    put("corrupt.pdf", bytes(range(256)) * 16)
    put("truncated.pdf", text_pdf(LETTER)[:200])
    put("pages-500.pdf", many_pages(500))
    put("huge-image.png", huge_png())
    put("bomb.pdf", bomb())
    put("crash.pdf", text_pdf(LETTER + ["WRIT-TEST-CRASH"]))


if __name__ == "__main__":
    main()
