"""The closing: "Nơi nhận" (distribution list) and the signature block, and reading the signer."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rag.normalize import RE_RECIPIENTS, RE_SIGN_PREFIX, Line, fold_keep, strip_markup
from rag.parser.header import RE_DISPATCH_TO, type_title
from rag.parser.nodes import RANK_PARAGRAPH, Node, is_person_name, is_upper
from rag.records import Clause
from rag.text import has_diacritics
from rag.vocabulary import SIGNER_NAME_PREFIXES, SIGNER_TITLES

if TYPE_CHECKING:
    from rag.parser.tree import Builder


def _title_pattern(title: str) -> str:
    # OCR reads "Đ" as "P" or "D": "GIAM POC" is "GIÁM ĐỐC".
    return re.escape(title).replace("d", "[dp]").replace(r"\ ", r"\s*")


_TITLE_PATTERNS = [(t, re.compile(_title_pattern(t))) for t in SIGNER_TITLES]
_TITLE_ALTS = "|".join(_title_pattern(t) for t in SIGNER_TITLES)
RE_SIGNER_TITLE = re.compile(rf"(?:^|\s)(?P<t>{_TITLE_ALTS})\s*$")

# A rank or title before the name ("Thượng tướng", "PGS.TS.", "Đại tá"), possibly several.
_PREFIX_ALTS = "|".join(re.escape(p).replace(r"\ ", r"\s*") for p in SIGNER_NAME_PREFIXES)
RE_NAME_PREFIX = re.compile(rf"^(?:(?:{_PREFIX_ALTS})\s*[.,:]?\s*)+(?=\S)")
# Seal and scan noise around a name: leading marks and a stray glyph glued to its first capital
# ("[dHồ Đức Phớc"), trailing dots, bars and quotes.
RE_NAME_NOISE_HEAD = re.compile(r"^[^\w]*(?:[A-Za-zĐđ]{1,2}(?=[A-ZĐ][a-zà-ỹđ]))?")
RE_NAME_NOISE_TAIL = re.compile(r"[^\w]+$")


def signer_name(text: str) -> str:
    """The person's name on a signature line, without a rank, title or scan noise; else ""."""
    text = text.strip()
    if is_person_name(text):
        return text
    cleaned = RE_NAME_NOISE_TAIL.sub("", RE_NAME_NOISE_HEAD.sub("", text))
    prefix = RE_NAME_PREFIX.match(fold_keep(cleaned))
    if prefix:
        cleaned = cleaned[prefix.end() :]
    cleaned = cleaned.strip()
    if cleaned != text and is_person_name(cleaned) and len(cleaned.split()) >= 2:
        return cleaned
    return ""


def start_distribution(b: Builder, ln: Line, f: str) -> None:
    b.reset()
    node = b.root.add(Node(kind="recipients", rank=RANK_PARAGRAPH, locator="nơi nhận", style="distribution"))
    b.distribution = node
    b.mode = "distribution"
    # Two columns merged by OCR: "Nơi nhận: KT. GIÁM ĐỐC".
    head = RE_RECIPIENTS.match(f)
    tail_at = head.end() if head else 0
    sign = re.search(r"\b(?:(?:kt|tm|tl|q|tuq)\s*\.|(?:t/m|k/t|t/l)\b)\s*[a-z]", f[tail_at:])
    if sign:
        cut = tail_at + sign.start()
        node.lines.append(Line(ln.text[:cut].rstrip(), list(ln.pages)))
        open_signature(b, Line(ln.text[cut:].strip(), list(ln.pages)))
        b.mode = "distribution"
    else:
        node.lines.append(ln)


def distribution_item(b: Builder, ln: Line, f: str) -> bool:
    node = b.distribution
    assert node is not None
    if not ln.text.startswith(("-", "–", "+", "•")) and (
        (is_upper(ln.text) and not ln.text.rstrip().endswith((";", ",")))
        or RE_SIGN_PREFIX.match(f)
        or fold_keep(node.lines[-1].text).lstrip("-– ").startswith("luu")
    ):
        return False
    m = RE_SIGNER_TITLE.search(f)
    if m and ";" in ln.text[: m.start("t")]:
        # A signature title printed beside a recipient: "- UBND tỉnh; … GIÁM ĐỐC".
        cut = ln.text.rfind(";", 0, m.start("t")) + 1
        node.lines.append(Line(ln.text[:cut], list(ln.pages)))
        tail = Line(ln.text[cut:].strip(), list(ln.pages))
        if b.signature is not None:
            b.signature.lines.append(tail)
        else:
            open_signature(b, tail)
            b.mode = "distribution"
        return True
    node.lines.append(ln)
    return True


def open_signature(b: Builder, ln: Line) -> None:
    b.reset()
    node = b.signature
    if node is None:
        node = b.root.add(Node(kind="signature", rank=RANK_PARAGRAPH, locator="chữ ký", style="signature"))
        b.signature = node
    node.lines.append(ln)
    b.mode = "signature"


RE_SIGNED_MARK = re.compile(r"^[(\[]\s*(?:da\s+ky|ky\s*,?\s*ghi\s+ro\s+ho\s+ten|ky\s+ten)[^)\]]{0,30}[)\]]$")


def _bare_title(b: Builder, text: str, f: str) -> bool:
    """An all-capitals line that can only be a signer's title: right after "Nơi nhận" before any
    title ("TỔNG KIỂM TOÁN NHÀ NƯỚC"), or under an open title ("PHÓ TRƯỞNG THUẾ TỈNH")."""
    if not (is_upper(text) and len(text) <= 60) or type_title(f)[0] or re.search(r"[;:]|,\s*\S", text):
        return False  # "KTTH, PL, NN;": a distribution line of office codes, not a title
    if b.mode == "signature" and b.signature is not None:
        return not any(signer_name(x.text) for x in b.signature.lines)
    return b.mode == "distribution" and b.signature is None


RE_PREFIX_ALONE = re.compile(r"^(?:kt|tm|tl|q|tuq|t/m|k/t|t/l)\s*\.?$")


def is_noise_line(text: str) -> bool:
    """Seal and scan noise OCR reads in a signature block ("=. Ứ TRUƯ ỞNG", ":HỦ TỊCH", "1⁄4")."""
    text = text.strip()
    if RE_PREFIX_ALONE.match(fold_keep(text)):
        return False  # "KT." on a line of its own, above the title
    visible = [c for c in text if not c.isspace()]
    letters = [c for c in visible if c.isalpha()]
    if len(letters) < 3 or len(letters) < 0.6 * len(visible):
        return True
    return not (text[0].isalnum() or text[0] in "(-–+[")


def split_noise_tail(text: str) -> tuple[str, str]:
    """A title line joined with seal noise read below it ("CHỦ TỊCH :HỦ TỊCH") -> (title, noise);
    (text, "") when the line is not a title followed by noise."""
    words = text.split()
    for cut in range(len(words) - 1, 0, -1):
        head, tail = " ".join(words[:cut]), " ".join(words[cut:])
        if is_noise_line(tail) and is_upper(head) and RE_SIGNER_TITLE.search(fold_keep(head)):
            return head, tail
    return text, ""


def _letters(text: str) -> str:
    return re.sub(r"[^a-z]", "", fold_keep(text))


def _title_ending(fragment: str, title: str) -> bool:
    """A noise line that is the end of the title above it ("…HỦ TỊCH" under "CHỦ TỊCH"): the same
    title printed again, its head under the seal."""
    tail, whole = _letters(fragment), _letters(_unprefixed(title))
    return len(tail) >= 4 and (whole.endswith(tail) or tail.endswith(whole))


def _named(node: Node) -> bool:
    return any(signer_name(x.text) for x in node.lines)


def signature_line(b: Builder, ln: Line, f: str) -> bool:
    text = ln.text
    if b.mode == "signature" and b.signature is not None and RE_SIGNED_MARK.match(f.strip()):
        b.signature.lines.append(ln)  # "(Đã ký)" between the title and the name
        return True
    closing = b.distribution is not None or b.closed
    if closing and not text.startswith(("-", "–", "+", "•")) and signer_name(text):
        # The name under a seal, read by OCR after the "Nơi nhận" column or past seal noise.
        if b.signature is None:
            open_signature(b, ln)
            b.mode = ""
            return True
        if not _named(b.signature):
            b.signature.lines.append(ln)
            b.mode = ""
            return True
    if b.mode == "signature" and b.signature is not None and split_noise_tail(text)[1]:
        b.signature.lines.append(ln)  # a title with seal noise read below it, joined by the normaliser
        return True
    if b.mode == "signature" and b.signature is not None and len(text) <= 30 and is_noise_line(text):
        b.signature.lines.append(ln)  # kept in the clause; signer() reads past it
        return True

    title_m = RE_SIGNER_TITLE.search(f)
    is_title = bool(RE_SIGN_PREFIX.match(f)) or (is_upper(text) and bool(title_m)) or _bare_title(b, text, f)
    # A line that is nothing but a title ("CHỦ TỊCH QUỐC HỘI") signs even without "Nơi nhận".
    whole = bool(title_m) and is_upper(text) and not f[: title_m.start("t")].strip()
    # "KT. BỘ TRƯỞNG", "TM. ỦY BAN NHÂN DÂN": a signing prefix before a known title signs too.
    whole = whole or (bool(RE_SIGN_PREFIX.match(f)) and is_upper(text) and bool(title_m))
    if (
        is_title
        and len(text) <= 60
        and (b.distribution is not None or b.closed or whole or b.mode == "signature")
    ):
        if b.mode == "signature" or b.signature is None:
            open_signature(b, ln)
        else:
            b.signature.lines.append(ln)
            b.mode = "signature"
        return True
    if b.mode == "signature" and b.signature is not None and signer_name(text):
        b.signature.lines.append(ln)
        b.mode = ""
        return True
    return False


# --- reading the closing -----------------------------------------------------------------------


def _canonical_title(folded: str) -> str:
    """The title as printed, for text that lost its marks: "giam poc" -> "GIÁM ĐỐC"."""
    for title, pattern in _TITLE_PATTERNS:
        if pattern.fullmatch(folded.strip()):
            return SIGNER_TITLES.get(title, title.upper())
    return ""


def _two_titles(folded: str) -> tuple[str, str] | None:
    words = folded.split()
    for cut in range(1, len(words)):
        first, second = " ".join(words[:cut]), " ".join(words[cut:])
        if first in SIGNER_TITLES and second in SIGNER_TITLES:
            return SIGNER_TITLES[first], SIGNER_TITLES[second]
    return None


def signer(signature: Clause | None) -> tuple[str, str]:
    """(name, "KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC") from the signature clause."""
    if signature is None:
        return "", ""
    titles: list[str] = []
    name = ""
    lines: list[str] = []
    for line in signature.text.split("\n"):
        lines += [part for part in split_noise_tail(line.strip()) if part]
    for text in lines:
        if found := signer_name(text):
            name = found
            continue
        f = fold_keep(text)
        if RE_SIGNED_MARK.match(f) or (is_noise_line(text) and not RE_SIGNER_TITLE.search(f)):
            kt = any(t.upper().startswith("KT.") for t in titles)  # a deputy's block is already whole
            if titles and titles[-1] and not kt and _title_ending(text, titles[-1]):
                titles.append(_unprefixed(titles[-1]))  # the title again, its head under the seal
            continue
        prefix = RE_SIGN_PREFIX.match(f)
        if prefix and (pair := _two_titles(f[prefix.end() - 1 :])):
            # "KT. BỘ TRƯỞNG THỨ TRƯỞNG": the title and the deputy's title on one line.
            titles += [f"{text[: prefix.end() - 1].strip().upper()} {pair[0]}", pair[1]]
            continue
        title_m = RE_SIGNER_TITLE.search(f)
        if has_diacritics(text) or not title_m:
            titles.append(text if (prefix or is_upper(text)) else "")
            continue
        canonical = _canonical_title(title_m.group("t"))
        if not canonical:
            titles.append(text)
        elif prefix:
            titles.append(f"{text[: prefix.end() - 1].strip().upper()} {canonical}")
        else:
            titles.append(canonical)
    titles = [t for t in titles if t]
    # A title broken after a comma ("KT. TRƯỞNG BAN BAN CHÍNH SÁCH," / "THUẾ QUỐC TẾ") is one title.
    merged: list[str] = []
    for t in titles:
        if merged and merged[-1].endswith(","):
            merged[-1] = f"{merged[-1]} {t}"
        else:
            merged.append(t)
    titles = merged
    # "KT. GIÁM ĐỐC" is signed by a deputy: OCR that lost "PHÓ" is put back. The same title twice,
    # "KT." and "PHÓ" both under the seal ("CHỦ TỊCH" / "…HỦ TỊCH"), is that block too.
    for i in range(len(titles) - 1):
        first, second = titles[i], titles[i + 1]
        if second == _unprefixed(first) and (first.upper().startswith("KT.") or first == second):
            titles[i] = first if first.upper().startswith("KT.") else f"KT. {first}"
            titles[i + 1] = f"PHÓ {second}"
            break
    return name, " / ".join(titles)


def _unprefixed(title: str) -> str:
    """ "KT. GIÁM ĐỐC" -> "GIÁM ĐỐC"."""
    prefix = RE_SIGN_PREFIX.match(fold_keep(title))
    return title[prefix.end() - 1 :].strip() if prefix else title


def list_items(text: str) -> list[str]:
    """The entries of a "Kính gửi" / "Nơi nhận" list, without their dashes and separators."""
    items: list[str] = []
    for line in text.split("\n"):
        line = strip_markup(line.strip())
        f = fold_keep(line)
        head = RE_RECIPIENTS.match(f)
        if head:
            line = line[head.end() :].strip()
        elif RE_DISPATCH_TO.match(f):
            continue  # "THỦ TƯỚNG CHÍNH PHỦ điện:" introduces the list
        line = line.lstrip("-–+• ").rstrip(" ;.,")
        if line:
            items.append(line)
    return items
