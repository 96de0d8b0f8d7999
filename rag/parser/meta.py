"""Document metadata read from the body: cited documents, and what the heading block lacked."""

from __future__ import annotations

import re

from rag.normalize import fold_keep
from rag.parser.header import TYPE_ALTS
from rag.records import Clause, DocumentMeta
from rag.text import collapse_ws
from rag.vocabulary import DOC_TYPES, ISSUER_CODES, NUMBER_CODES

RE_CITED = re.compile(
    r"\b(?P<type>"
    + TYPE_ALTS
    + r")\s+(?:s[o0-9b]\s*:?\s*)?(?P<num>\d{1,5}\s*(?:/\s*\d{4}\s*)?[/-]\s*-?\s*[a-z][a-z0-9&]*(?:\s*[/-]\s*[a-z][a-z0-9&]*)*)"
    r"(?:\s*,?\s*ng[aà]y\s+(?P<date>\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}|\d{1,2}\s+th[aá]ng\s+\d{1,2}\s+n[aăi]m\s+\d{4}))?"
)
RE_ATTACHED_TO = re.compile(
    r"\(\s*k[eè]m\s+theo\s+(?P<type>[^\d()]{2,30}?)\s+s[o0-9b]\s*:?\s*(?P<num>(?:\d+\s*)?/\s*[\w&.\-]+|\d+[\w/&.\-]*)"
    r"\s+ng[aà]y\s+(?P<date>\d{1,2}/\d{1,2}/\d{4})\s+c[uủ]a\s+(?P<org>[^)]{3,120}?)\s*\)"
)
RE_PASSED_ON = re.compile(
    r"thong\s+qua\s+(?:vao\s+)?(?P<text>ngay\s+(?P<d>\d{1,2})\s+thang\s+(?P<m>\d{1,2})\s+nam\s+(?P<y>\d{4}))"
)
RE_PASSED_BY = re.compile(
    r"(?:luat|nghi\s+quyet|phap\s+lenh)\s+nay\s+(?:da\s+)?duoc\s+"
    r"(?P<org>quoc\s+hoi|uy\s+ban\s+thuong\s+vu\s+quoc\s+hoi|hoi\s+dong\s+nhan\s+dan(?:\s+(?:tinh|thanh\s+pho)\s+[^\W\d_][^,.;]{1,30}?)?)"
    r"(?=\s|,)"
)
# "Được Hội đồng Thẩm phán Tòa án nhân dân tối cao thông qua vào ngày …" (a precedent's opening).
RE_PASSED_BY_OPENING = re.compile(
    r"\bduoc\s+(?P<org>hoi\s+dong\s+tham\s+phan\s+toa\s+an\s+nhan\s+dan\s+toi\s+cao|quoc\s+hoi|"
    r"uy\s+ban\s+thuong\s+vu\s+quoc\s+hoi)\s+(?:[^.;]{0,80}?\s)?thong\s+qua"
)
RE_ISSUES = re.compile(
    r"(?P<org>(?:Sở|Ủy ban nhân dân|UBND|Bộ|Ban|Phòng|Trung tâm|Văn phòng|Cục|Chi cục)\s[^,.;:()“”\"]{2,80}?)"
    r"\s+(?:ban\s+hành|xây\s+dựng|báo\s+cáo)\s+(?:Kế\s+hoạch|Quyết\s+định|Báo\s+cáo|Chương\s+trình|kết\s+quả)"
)


def cited_documents(text: str, own_number: str) -> list[str]:
    folded = fold_keep(text)
    found: dict[str, str] = {}
    own = re.sub(r"\s+", "", own_number).lower()
    for m in RE_CITED.finditer(folded):
        kind = DOC_TYPES[" ".join(m.group("type").split())]
        number = re.sub(r"\s+", "", text[m.start("num") : m.end("num")])
        number = re.sub(r"-{2,}", "-", number)
        key = fold_keep(number)
        if own and not own.startswith("/") and key == fold_keep(own):
            continue
        label = f"{kind} số {number}"
        if m.group("date"):
            label += f" ngày {collapse_ws(text[m.start('date') : m.end('date')])}"
        if key not in found or (m.group("date") and " ngày " not in found[key]):
            found[key] = label
    return list(found.values())


def _issuer_from_number(number: str) -> str:
    """ "819/SKHCN-BCVT&CĐS" or "12/BC-STC" -> the body whose code the number carries."""
    codes = [fold_keep(c) for c in re.split(r"[-/]", number.split("/", 1)[-1]) if c]
    if codes and codes[0] in NUMBER_CODES:
        codes = codes[1:]
    return ISSUER_CODES.get(codes[0], "") if codes else ""


def _doc_type_from_number(number: str) -> str:
    m = re.search(r"/\s*([A-Za-zĐđ]+)", number)
    if not m:
        return ""
    return NUMBER_CODES.get(fold_keep(m.group(1)), "")


def infer_missing(meta: DocumentMeta, text: str, has_subject: bool, has_recipients: bool) -> None:
    """Fill type, number, date and issuer from the body when the heading block lacks them."""
    flat = collapse_ws(text)
    folded = fold_keep(flat)
    if not meta.doc_type:
        if has_subject and has_recipients:
            meta.doc_type = "Công văn"
        else:
            meta.doc_type = _doc_type_from_number(meta.number)
        if not meta.doc_type and has_subject and meta.number:
            meta.doc_type = "Công văn"  # "V/v …" under the number is the mark of an official letter
    if m := RE_ATTACHED_TO.search(folded):
        kind = DOC_TYPES.get(" ".join(m.group("type").split()), "")
        if kind and (not meta.doc_type or kind == meta.doc_type):
            meta.doc_type = meta.doc_type or kind
            if not meta.number:
                meta.number = re.sub(r"\s+", "", flat[m.start("num") : m.end("num")])
            if not meta.date:
                d, mo, y = m.group("date").split("/")
                meta.date = f"{y}-{int(mo):02d}-{int(d):02d}"
                meta.date_text = f"ngày {flat[m.start('date') : m.end('date')]}"
            if not meta.issuer:
                meta.issuer = flat[m.start("org") : m.end("org")].strip()
    if not meta.issuer and (m := RE_ISSUES.search(flat[:4000])):
        meta.issuer = m.group("org").strip()
    if not meta.issuer and "/" in meta.number:
        meta.issuer = _issuer_from_number(meta.number)
    if not meta.issuer and (m := RE_PASSED_BY.search(folded)):
        # "Luật này được Quốc hội … thông qua": the body that passed it issued it.
        meta.issuer = collapse_ws(flat[m.start("org") : m.end("org")])
    if not meta.issuer and (m := RE_PASSED_BY_OPENING.search(folded[:1500])):
        meta.issuer = collapse_ws(flat[m.start("org") : m.end("org")])
    if not meta.date and (m := RE_PASSED_ON.search(folded)):
        # Laws carry their date at the end: "… thông qua ngày 27 tháng 6 năm 2025."
        meta.date = f"{m.group('y')}-{int(m.group('m')):02d}-{int(m.group('d')):02d}"
        meta.date_text = flat[m.start("text") : m.end("text")]


# "Quyết định này có hiệu lực thi hành kể từ ngày 01 tháng 01 năm 2026", "… từ ngày ký".
RE_EFFECTIVE = re.compile(
    r"\bnay\s+(?:co|se\s+co)\s+hieu\s+luc(?:\s+thi\s+hanh)?\s+(?:ke\s+)?tu\s+"
    r"(?P<when>ngay\s+(?:(?P<d>\d{1,2})\s*(?:thang\s+|/\s*)(?P<m>\d{1,2})\s*(?:nam\s+|/\s*)(?P<y>\d{4})"
    r"|ky(?:\s+ban\s+hanh)?\b))"
)


def effective_date(meta: DocumentMeta, clauses: list[Clause]) -> None:
    """The date the document takes effect, from the first clause that says "… này có hiệu lực từ …"."""
    for clause in clauses:
        if clause.kind in ("header", "signature", "recipients", "footnote"):
            continue
        flat = collapse_ws(clause.text)
        m = RE_EFFECTIVE.search(fold_keep(flat))
        if not m:
            continue
        if m.group("y"):
            meta.effective_date = f"{m.group('y')}-{int(m.group('m')):02d}-{int(m.group('d')):02d}"
        else:
            meta.effective_date = meta.date or flat[m.start("when") : m.end("when")]  # "từ ngày ký"
        meta.effective_text = flat[m.start() + len("nay ") : m.end()].strip()
        meta.effective_clause = clause.id
        return
