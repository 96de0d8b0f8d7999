"""The body: logical lines fed to a stack of open nodes, each marker opening under its parent.

Each marker has a rank (Phụ lục < Phần < Chương < Mục, "A." < I. < Điều < 1. < 1.1. < a) < - < +);
a new marker closes every open node of equal or deeper rank and opens under what is left.
"""

from __future__ import annotations

import re

from rag.normalize import (
    RE_APPENDIX,
    RE_BULLET,
    RE_FIELD,
    RE_LEGAL,
    RE_LETTERED,
    RE_NUMBERED,
    RE_RECIPIENTS,
    RE_ROMAN_HEADING,
    RE_TERMINAL,
    Line,
    Rejoiner,
    fold_keep,
    is_alpha_heading,
    strip_markup,
)
from rag.parser import fields, signature, tables
from rag.parser.nodes import (
    LEGAL_LABELS,
    RANK_ALPHA,
    RANK_APPENDIX,
    RANK_BULLET,
    RANK_LEGAL,
    RANK_LETTER,
    RANK_NUMBERED,
    RANK_PARAGRAPH,
    RANK_PLUS,
    RANK_ROMAN,
    Node,
    is_upper,
    roman_value,
)
from rag.vocabulary import NAMED_SECTIONS, NAMED_SECTIONS_AFTER

RE_CLOSING = re.compile(r"\./\.\s*$")
QUOTE_MAX_LINES = 80
RE_BRACKET_PARAGRAPH = re.compile(r"^\[(?P<num>\d{1,3})\]\s*(?=\S)")
RE_CLOSING_FORMULA = re.compile(
    r"^(?:tren\s+day\s+la|trong\s+qua\s+trinh\s+(?:to\s+chuc\s+|trien\s+khai\s+)?thuc\s+hien|"
    r"kinh\s+de\s+nghi|kinh\s+bao\s+cao|kinh\s+trinh|rat\s+mong|"
    r"(?:bo\s+)?(?:luat|nghi\s+quyet|phap\s+lenh)\s+nay\s+(?:da\s+)?duoc\s+.{0,120}thong\s+qua)\b"
)
# "Căn cứ các quy định và hướng dẫn nêu trên thì:" after a "- Tại Điều …" list of cited provisions:
# the writer's own conclusion, a paragraph of the level that holds the list, not of its last item.
RE_CONCLUSION = re.compile(
    r"^(?:can\s+cu|theo)\s+(?:cac\s+|nhung\s+)?(?:quy\s+dinh|huong\s+dan|van\s+ban|noi\s+dung)"
    r"(?:\s+[^\s,:]+){0,6}?\s+(?:neu\s+|viec\s+)?tren\b"
)


class Builder:
    def __init__(self) -> None:
        self.root = Node(kind="root", rank=-1, locator="")
        self.stack: list[Node] = [self.root]
        self.mode = ""  # "", "distribution", "signature", "table"
        self.closed = False  # "./." seen: the body has ended
        self.distribution: Node | None = None
        self.signature: Node | None = None
        self.table: tables.Table | None = None
        self.pipe: tables.PipeTable | None = None
        self.sections = 0  # named sections opened ("NỘI DUNG VỤ ÁN"): "QUYẾT ĐỊNH" is one after them
        self.quoted = 0  # lines fed inside an open “…” quotation (0: none open)

    # stack helpers
    @property
    def top(self) -> Node:
        return self.stack[-1]

    def open(self, node: Node) -> Node:
        while self.top.rank >= node.rank:
            self.stack.pop()
        self.top.add(node)
        self.stack.append(node)
        return node

    def reset(self) -> None:
        del self.stack[1:]

    def appendix(self) -> Node | None:
        return next((n for n in reversed(self.stack) if n.style == "appendix"), None)

    def parent_for(self, rank: int) -> Node:
        for node in reversed(self.stack):
            if node.rank < rank:
                return node
        return self.root

    # feed
    def feed(self, ln: Line) -> None:
        if self._quotation(ln):
            return
        text = strip_markup(ln.text)
        f = fold_keep(text).strip()
        appendix = RE_APPENDIX.match(f) and text[:1] in "Pp" and len(text) <= 160
        distribution = f.startswith("noi") and RE_RECIPIENTS.match(f)
        if self.mode == "pipe":
            if appendix or distribution:
                tables.end_pipe_table(self)
            elif tables.pipe_line(self, ln, f):
                return
        if appendix:
            self._appendix(ln, f)
            return
        if distribution:
            signature.start_distribution(self, ln, f)
            return
        if self.mode not in ("table", "distribution") and tables.is_pipe_row(text):
            tables.start_pipe_table(self, ln)
            return
        if self.mode == "distribution" and signature.distribution_item(self, ln, f):
            return
        if signature.signature_line(self, ln, f):
            return
        if self.mode == "table" and tables.table_line(self, ln, f):
            return
        self.mode = "" if self.mode in ("distribution", "signature") else self.mode
        self._body_line(ln, f, text)
        if RE_CLOSING.search(text):
            self.closed = True
            self.reset()

    def _quotation(self, ln: Line) -> bool:
        """Lines inside an open “…” stay in the item that quotes them.

        A Tờ trình or an amending decree quotes provisions with their own "1.", "a)" markers
        ("Sửa đổi khoản 2 Điều 5 như sau: “2. …"): they are the quoting item's text, not items of
        this document. A quotation left open for QUOTE_MAX_LINES lines is taken as a stray mark.
        """
        opened = ln.text.count("“") - ln.text.count("”")
        if self.quoted:
            top = self.top
            if top is self.root or self.mode or self.quoted > QUOTE_MAX_LINES:
                self.quoted = 0
                return False
            top.lines.append(ln)
            self.quoted = (
                0 if opened < 0 or ln.text.rstrip().endswith(("”", "”.", "”;", "”./.")) else self.quoted + 1
            )
            return True
        quoting = self.top is not self.root and not self.mode and self.top.lines
        if (
            opened > 0
            and quoting
            and ln.text.lstrip().startswith("“")
            and self.top.lines[-1].text.rstrip().endswith(":")
        ):
            # "… được sửa đổi như sau:" / "“2. …": the quotation joins the quoting item until "”".
            self.top.lines.append(ln)
            self.quoted = 1
            return True
        return False

    def _appendix(self, ln: Line, f: str) -> None:
        m = RE_APPENDIX.match(f)
        num = (m.group("num") or "").upper() if m else ""
        locator = f"Phụ lục {num}" if num else "Phụ lục"
        self.reset()
        self.mode = ""
        self.closed = False
        self.open(Node(kind="appendix", rank=RANK_APPENDIX, locator=locator, style="appendix", lines=[ln]))

    # body
    def _body_line(self, ln: Line, f: str, core: str) -> None:
        appendix = self.appendix()
        if appendix is not None and tables.is_table_header(ln, f):
            tables.start_table(self, ln, appendix)
            return
        fm = RE_FIELD.match(f)
        if fm:
            fields.open_field(self, ln, fm, core)
            return
        marker = _marker(f, core, self)
        if marker is None:
            self._paragraph(ln)
            return
        style, rank, num = marker
        parent = self.parent_for(rank)
        locator = self._locator(style, num, parent)
        node = Node(kind="item", rank=rank, locator=locator, marker=num, style=style, lines=[ln])
        if style in ("roman", "alpha", "section") or style.startswith("legal"):
            node.kind = "heading"
        self.open(node)

    def _locator(self, style: str, num: str, parent: Node) -> str:
        base = parent.locator
        if style == "section":
            return num
        if style == "bracket":
            return f"{base}.[{num}]" if base else f"[{num}]"
        if style == "legal:dieu":
            return f"Điều {num}"
        if style.startswith("legal:"):
            label = f"{LEGAL_LABELS[style[6:]]} {num}"
            return f"{base}.{label}" if base and parent.style.startswith("legal") else label
        if style == "numbered":
            dieu = next((n for n in reversed(self.stack) if n.style == "legal:dieu"), None)
            if dieu is not None and parent is dieu:
                return f"{dieu.locator} khoản {num}"
            # "2.3" under "2" under "I": the number already carries its parent ("I.2.3").
            anchor = parent
            while anchor.style == "numbered" and num.startswith(anchor.marker + "."):
                anchor = anchor.parent or self.root
            base = anchor.locator
        elif style == "letter" and parent.locator.startswith("Điều") and " khoản " in parent.locator:
            return f"{parent.locator} điểm {num}"
        elif style in ("bullet", "plus"):
            sign = "-" if style == "bullet" else "+"
            num = f"{sign}{parent.count(style) + 1}"
        return f"{base}.{num}" if base else num

    def _paragraph(self, ln: Line) -> None:
        top = self.top
        finished = top is not self.root and RE_TERMINAL.search(top.lines[-1].text)
        if ln.gap_before and finished and top.rank > RANK_NUMBERED:
            # Single-spaced text: a blank line after a finished item or paragraph starts a new paragraph.
            self.stack.pop()
            self._new_paragraph(ln)
            return
        if finished and top.rank > RANK_NUMBERED and RE_CLOSING_FORMULA.match(fold_keep(ln.text)):
            # "Trong quá trình tổ chức thực hiện …", "Trên đây là …": the document's closing words.
            self.reset()
            self._new_paragraph(ln)
            return
        if finished and top.rank >= RANK_BULLET and RE_CONCLUSION.match(fold_keep(ln.text)):
            while self.top.rank >= RANK_BULLET:
                self.stack.pop()
            self._new_paragraph(ln)
            return
        if top is not self.root and top.rank >= RANK_NUMBERED + 1:
            top.lines.append(ln)
            return
        if top.style == "legal:dieu" and not top.children:
            # An article's text before its first clause belongs to the article.
            top.lines.append(ln)
            return
        if top is not self.root and not top.children:
            # A heading's title on the next line(s): "Chương I" / "QUY ĐỊNH CHUNG", "Phụ lục 1" / title.
            titled = top.style == "appendix" or top.style.startswith("legal")
            if len(top.lines) < 4 and (titled or is_upper(ln.text)):
                top.lines.append(ln)
                return
        if top.style == "paragraph":
            top.lines.append(ln)
            return
        self._new_paragraph(ln)

    def _new_paragraph(self, ln: Line) -> None:
        top = self.top
        count = top.count("paragraph") + 1
        locator = f"{top.locator}.đoạn {count}" if top.locator else f"đoạn {count}"
        node = Node(kind="paragraph", rank=RANK_PARAGRAPH, locator=locator, style="paragraph", lines=[ln])
        self.open(node)


def _named_section(f: str, text: str, builder: Builder) -> str:
    """The name of an unnumbered all-capitals section heading ("NHẬN ĐỊNH CỦA TÒA ÁN"), else ""."""
    if not is_upper(text) or len(text) > 60:
        return ""
    key = " ".join(f.strip(" :.").split())
    name = NAMED_SECTIONS.get(key, "")
    if not name and builder.sections:
        name = NAMED_SECTIONS_AFTER.get(key, "")
    if name:
        builder.sections += 1
    return name


def _marker(f: str, text: str, builder: Builder) -> tuple[str, int, str] | None:
    """(style, rank, number) of the marker opening this line, or None for running text."""
    if name := _named_section(f, text, builder):
        return "section", RANK_ROMAN, name
    if m := RE_BRACKET_PARAGRAPH.match(f):
        # A judgment's numbered paragraphs "[1]" … "[12]" (cited as "đoạn 8").
        return "bracket", RANK_NUMBERED + 1, m.group("num")
    if m := RE_LEGAL.match(f):
        kind = m.group("kind")
        if kind == "muc" and not re.match(r"^m[uụ]c\s", text.lower()):
            return None
        raw = text[m.start("num") : m.end("num")]
        return f"legal:{kind}", RANK_LEGAL[kind], raw.upper() if roman_value(raw) else raw
    if m := RE_ROMAN_HEADING.match(f):
        raw = text[m.start("num") : m.end("num")]
        if raw.isupper():
            return "roman", RANK_ROMAN, raw
    if is_alpha_heading(text):
        return "alpha", RANK_ALPHA, text[0]
    if m := RE_NUMBERED.match(f):
        num = m.group("num")
        if num == "1" and text[m.end("num") : m.end("num") + 1] == ")" and _expects_letter_l(builder):
            return "letter", RANK_LETTER, "l"
        return "numbered", RANK_NUMBERED + num.count(".") + 1, num
    if (m := RE_LETTERED.match(f)) and m.group("num") != "1":
        letter = "c" if m.group("num") == "¢" else text[: m.end("num")].lower()[-1:]
        return "letter", RANK_LETTER, fold_keep(letter) if letter != "đ" else "đ"
    if m := RE_BULLET.match(f):
        sign = m.group("num")
        return ("plus", RANK_PLUS, "+") if sign == "+" else ("bullet", RANK_BULLET, "-")
    return None


def _expects_letter_l(builder: Builder) -> bool:
    # OCR reads the item letter "l)" as "1)": only after a "k)" sibling.
    for node in reversed(builder.stack):
        if node.style == "letter":
            return node.marker == "k"
    return False


def feed_body(builder: Builder, lines: list[Line], width: float) -> None:
    """Re-join broken lines and feed them; inside a table feed cells as printed (one per line)."""
    joiner = Rejoiner(width)
    for ln in lines:
        if builder.mode == "table" and (pending := joiner.flush()) is not None:
            builder.feed(pending)
        if builder.mode == "table":
            builder.feed(Line(ln.text, list(ln.pages), list(ln.footnotes), ln.gap_before))
        elif (done := joiner.push(ln)) is not None:
            builder.feed(done)
    if (last := joiner.flush()) is not None:
        builder.feed(last)
