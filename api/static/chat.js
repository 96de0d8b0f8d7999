/* policyqa chat: questions, streamed answers, citation chips, the cited clause in context.
 * Every piece of user or document text goes into the page with textContent (never innerHTML). */
(function () {
  "use strict";

  var T = {
    title: "Hỏi đáp văn bản chính sách",
    placeholder: "Đặt câu hỏi về văn bản…",
    question: "Câu hỏi",
    send: "Gửi",
    sources: "Nguồn trích dẫn",
    related: "Các điều khoản gần nhất",
    notFound: "Không tìm thấy thông tin này trong các văn bản.",
    densePending: "Văn bản vừa tải lên, mới được tìm theo từ ngữ (phần tìm theo ngữ nghĩa đang được tính): ",
    copy: "Sao chép câu trả lời",
    copied: "Đã sao chép",
    copyFailed: "Không sao chép được",
    newChat: "Cuộc trò chuyện mới",
    close: "Đóng",
    empty: "Hỏi về nội dung các kế hoạch, báo cáo, công văn: đơn vị thực hiện, thời hạn, chỉ tiêu…",
    network: "Không kết nối được tới máy chủ; hãy kiểm tra mạng rồi thử lại.",
    httpError: "Không thể trả lời lúc này (máy chủ báo lỗi {status}); hãy thử lại sau.",
    lookup: "Tra cứu văn bản",
    loading: "Đang tải điều khoản…",
    clause: "Điều khoản được trích dẫn",
    openCitation: "Mở trích dẫn",
    page: "trang",
    log: "Cuộc trò chuyện",
    basedOn: "Căn cứ",
    implementedBy: "Văn bản triển khai",
    reference: "Trích dẫn",
    copyReference: "Sao chép trích dẫn",
    understood: "Hiểu là: "
  };
  // Every text above is what a person reads; the server's error texts come in Vietnamese too
  // (rag/messages.py), so they are shown as they are.
  // Earlier turns sent with a question, so a follow-up keeps their document and task.
  var HISTORY_TURNS = 6;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  /* What a chip leads with: the clause's short formal reference ("mục 4 phần II Kế hoạch số
   * 58/KH-UBND", "Chữ ký · Kế hoạch số …"), never the parser's locator. */
  function citationLabel(c) {
    return c.short_reference || c.reference || c.document || c.source;
  }

  /* "2025-10-10" -> "10/10/2025"; "2025-08" -> "08/2025"; anything else as it is. */
  function viDate(iso) {
    var m = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/.exec(iso || "");
    if (!m) return iso || "";
    return m[3] ? m[3] + "/" + m[2] + "/" + m[1] : m[2] + "/" + m[1];
  }

  /* The error a person reads: the server's own text (Vietnamese), else one of ours. */
  async function errorOf(response) {
    var detail = "";
    try { detail = (await response.json()).detail || ""; } catch (e) { /* not JSON */ }
    return new Error(detail || T.httpError.replace("{status}", String(response.status)));
  }

  /* The answer with its numbered sources, as plain text for the clipboard. */
  function plainAnswer(msg) {
    var lines = [msg.text];
    var list = msg.abstained ? msg.related : msg.citations;
    if (list && list.length) {
      lines.push("", (msg.abstained ? T.related : T.sources) + ":");
      list.forEach(function (c, i) {
        lines.push("[" + (i + 1) + "] " + (c.reference || citationLabel(c)) + " (" + c.source + ")");
      });
    }
    return lines.join("\n");
  }

  /* Server-sent events from a fetch body: calls onEvent(name, parsedData) per event. */
  async function readEvents(response, onEvent) {
    var reader = response.body.getReader();
    var decoder = new TextDecoder("utf-8");
    var buffer = "";
    for (;;) {
      var step = await reader.read();
      if (step.done) break;
      buffer += decoder.decode(step.value, { stream: true }).replace(/\r\n/g, "\n");
      var cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        var block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        var name = "message";
        var data = [];
        block.split("\n").forEach(function (line) {
          if (line.indexOf("event:") === 0) name = line.slice(6).trim();
          else if (line.indexOf("data:") === 0) data.push(line.slice(5).replace(/^ /, ""));
        });
        if (data.length) onEvent(name, JSON.parse(data.join("\n")));
      }
    }
  }

  function Chat(root, options) {
    this.root = root;
    this.apiBase = (options.apiBase || "").replace(/\/$/, "");
    this.apiKey = options.apiKey || "";
    this.storageKey = "policyqa-chat:" + (options.storageKey || this.apiBase || location.origin);
    this.onClose = options.onClose || null;
    this.lookupHref = options.lookupHref || "";
    this.history = this.load();
    this.busy = false;
    this.lastChip = null;
    this.build();
    this.renderAll();
  }

  Chat.prototype.headers = function (json) {
    var h = { Accept: json ? "application/json" : "text/event-stream" };
    if (this.apiKey) h["X-API-Key"] = this.apiKey;
    return h;
  };

  Chat.prototype.load = function () {
    try {
      var saved = JSON.parse(sessionStorage.getItem(this.storageKey) || "[]");
      return Array.isArray(saved) ? saved : [];
    } catch (e) {
      return [];
    }
  };

  Chat.prototype.save = function () {
    try {
      // DOM nodes stay out of storage; an answer cut off by a reload is not kept.
      var kept = this.history.filter(function (m) { return !m.pending; }).slice(-50);
      sessionStorage.setItem(this.storageKey, JSON.stringify(kept, function (key, value) {
        return key === "node" ? undefined : value;
      }));
    } catch (e) {
      /* storage full or disabled: the chat still works, it just forgets on reload */
    }
  };

  Chat.prototype.build = function () {
    var self = this;
    var root = this.root;
    root.classList.add("pqa");
    root.setAttribute("lang", "vi");

    var header = el("div", "pqa-header");
    var title = el("h1", null, T.title);
    title.id = "pqa-title-" + Math.random().toString(36).slice(2);
    root.setAttribute("aria-labelledby", title.id);
    var reset = el("button", "pqa-reset", T.newChat);
    reset.type = "button";
    reset.addEventListener("click", function () {
      self.history = [];
      self.save();
      self.renderAll();
      self.input.focus();
    });
    header.append(title);
    if (this.lookupHref) {
      var lookup = el("a", "pqa-lookup-link", T.lookup);
      lookup.href = this.lookupHref;
      header.append(lookup);
    }
    header.append(reset);
    if (this.onClose) {
      var close = el("button", "pqa-close", "×");
      close.type = "button";
      close.setAttribute("aria-label", T.close);
      close.addEventListener("click", function () { self.onClose(); });
      header.append(close);
    }

    this.log = el("div", "pqa-log");
    this.log.setAttribute("role", "log");
    this.log.setAttribute("aria-live", "polite");
    this.log.setAttribute("aria-label", T.log);

    var form = el("form", "pqa-form");
    form.setAttribute("role", "search");
    this.input = el("textarea", "pqa-input");
    this.input.rows = 1;
    this.input.placeholder = T.placeholder;
    this.input.setAttribute("aria-label", T.question);
    this.input.maxLength = 2000;
    this.sendButton = el("button", "pqa-send", T.send);
    this.sendButton.type = "submit";
    form.append(this.input, this.sendButton);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      self.ask();
    });
    this.input.addEventListener("keydown", function (event) {
      // Enter sends; Shift+Enter is a new line; IME composition must not send.
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        self.ask();
      }
    });

    this.panel = el("aside", "pqa-panel");
    this.panel.hidden = true;
    this.panel.setAttribute("role", "dialog");
    this.panel.setAttribute("aria-label", T.clause);
    this.panel.tabIndex = -1;
    var head = el("div", "pqa-panel-head");
    this.panelTitle = el("h2", null, T.clause);
    var closePanel = el("button", "pqa-panel-close", T.close);
    closePanel.type = "button";
    closePanel.addEventListener("click", function () { self.closePanel(); });
    head.append(this.panelTitle, closePanel);
    this.panelBody = el("div", "pqa-panel-body");
    this.panel.append(head, this.panelBody);

    root.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") return;
      if (!self.panel.hidden) {
        event.stopPropagation();
        self.closePanel();
      } else if (self.onClose) {
        self.onClose();
      }
    });

    root.append(header, this.log, form, this.panel);
  };

  Chat.prototype.renderAll = function () {
    var self = this;
    this.log.replaceChildren();
    if (!this.history.length) this.log.append(el("p", "pqa-empty", T.empty));
    this.history.forEach(function (msg) { self.log.append(self.renderMessage(msg)); });
    this.log.scrollTop = this.log.scrollHeight;
  };

  Chat.prototype.renderMessage = function (msg) {
    if (msg.role === "user") return (msg.node = el("div", "pqa-msg pqa-msg-user", msg.text));
    var box = el("div", "pqa-msg pqa-msg-bot" + (msg.error ? " pqa-msg-error" : ""));
    msg.node = box;
    this.fillAnswer(msg);
    return box;
  };

  Chat.prototype.fillAnswer = function (msg) {
    var self = this;
    var box = msg.node;
    box.replaceChildren();
    var text = el("div", "pqa-answer" + (msg.abstained ? " pqa-abstain" : "") + (msg.clarify ? " pqa-clarify" : ""), msg.text);
    if (msg.pending) text.classList.add("pqa-pending");
    if (msg.resolved && !msg.pending) box.append(el("div", "pqa-understood", T.understood + msg.resolved));
    box.append(text);
    if (msg.pending || msg.error) return;
    if (msg.densePending && msg.densePending.length) {
      box.append(el("div", "pqa-understood", T.densePending + msg.densePending.join(", ")));
    }

    var list = msg.abstained ? msg.related || [] : msg.citations || [];
    if (list.length) {
      var sources = el("section", "pqa-sources");
      var heading = el("h2", null, msg.abstained ? T.related : T.sources);
      var chips = el("ol", "pqa-chips");
      list.forEach(function (c, i) {
        var li = el("li");
        var chip = el("button", "pqa-chip");
        chip.type = "button";
        chip.dataset.clauseId = c.clause_id;
        chip.setAttribute("aria-label", T.openCitation + " " + (i + 1) + ": " + citationLabel(c));
        chip.title = (c.reference ? c.reference + "\n" : "") + (c.text.length > 300 ? c.text.slice(0, 300) + "…" : c.text);
        chip.append(el("span", "pqa-chip-n", "[" + (i + 1) + "]"), el("span", "pqa-chip-label", citationLabel(c)));
        chip.addEventListener("click", function () { self.openClause(c, chip); });
        li.append(chip);
        chips.append(li);
      });
      sources.append(heading, chips);
      box.append(sources);
    }
    var actions = el("div", "pqa-actions");
    var copy = el("button", "pqa-copy", T.copy);
    copy.type = "button";
    copy.addEventListener("click", function () {
      self.copy(plainAnswer(msg)).then(
        function () { copy.textContent = T.copied; },
        function () { copy.textContent = T.copyFailed; }
      ).then(function () {
        setTimeout(function () { copy.textContent = T.copy; }, 2000);
      });
    });
    actions.append(copy);
    box.append(actions);
  };

  Chat.prototype.copy = function (text) {
    // Plain http pages (and denied permissions) have no async clipboard: fall back to a hidden textarea.
    function fallback() {
      var area = el("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.append(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } finally { area.remove(); }
      if (!ok) throw new Error("copy refused");
    }
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(fallback);
    }
    return new Promise(function (resolve) { fallback(); resolve(); });
  };

  Chat.prototype.ask = async function () {
    var question = this.input.value.trim();
    if (!question || this.busy) return;
    this.busy = true;
    this.sendButton.disabled = true;
    this.input.value = "";
    if (!this.history.length) this.log.replaceChildren();

    var history = this.turns();
    var user = { role: "user", text: question };
    var bot = { role: "bot", text: "", pending: true, citations: [], related: [], abstained: false };
    this.history.push(user, bot);
    this.log.append(this.renderMessage(user), this.renderMessage(bot));
    this.log.scrollTop = this.log.scrollHeight;

    var self = this;
    var textNode = bot.node.querySelector(".pqa-answer");
    try {
      var response = await fetch(this.apiBase + "/api/ask/stream", {
        method: "POST",
        headers: Object.assign({ "Content-Type": "application/json" }, this.headers(false)),
        body: JSON.stringify({ question: question, history: history })
      });
      if (!response.ok) throw await errorOf(response);
      await readEvents(response, function (name, data) {
        if (name === "delta") {
          bot.text += data;
          textNode.textContent = bot.text;
          self.log.scrollTop = self.log.scrollHeight;
        } else if (name === "citations") {
          bot.text = data.abstained ? T.notFound : data.answer;
          bot.abstained = data.abstained;
          bot.citations = data.citations;
          bot.related = data.related;
          bot.clarify = !!data.clarify;
          bot.resolved = data.resolved_question || "";
          bot.densePending = data.dense_pending || [];
        } else if (name === "error") {
          throw new Error(data.detail);
        }
      });
    } catch (err) {
      bot.error = true;
      bot.text = err instanceof TypeError ? T.network : err.message;
      bot.node.classList.add("pqa-msg-error");
    }
    bot.pending = false;
    this.fillAnswer(bot);
    this.save();
    this.busy = false;
    this.sendButton.disabled = false;
    // Show the question with the start of its answer, not just the last citation chips.
    this.log.scrollTop = Math.max(0, user.node.offsetTop - 8);
    this.input.focus();
  };

  /* The session's finished turns, oldest first, as POST /api/ask's history (client-held). */
  Chat.prototype.turns = function () {
    var out = [];
    for (var i = 0; i + 1 < this.history.length; i += 1) {
      var q = this.history[i];
      var a = this.history[i + 1];
      if (q.role !== "user" || a.role !== "bot" || a.pending || a.error || a.clarify) continue;
      out.push({
        question: q.text.slice(0, 2000),
        answer: (a.text || "").slice(0, 4000),
        doc_id: !a.abstained && a.citations && a.citations.length ? a.citations[0].doc_id : ""
      });
    }
    return out.slice(-HISTORY_TURNS);
  };

  Chat.prototype.openClause = async function (citation, chip) {
    this.lastChip = chip;
    this.panelTitle.textContent = citation.document || T.clause;
    this.panelBody.replaceChildren(el("p", "pqa-doc-meta", T.loading));
    this.panel.hidden = false;
    this.panel.focus();
    try {
      var response = await fetch(
        this.apiBase + "/api/clauses/" + encodeURIComponent(citation.clause_id),
        { headers: this.headers(true) }
      );
      if (!response.ok) throw await errorOf(response);
      this.renderClause(await response.json());
    } catch (err) {
      this.panelBody.replaceChildren(
        el("p", "pqa-doc-meta pqa-msg-error", err instanceof TypeError ? T.network : err.message)
      );
    }
  };

  Chat.prototype.renderClause = function (data) {
    var doc = data.document;
    this.panelTitle.textContent = doc.label || doc.source;
    var body = this.panelBody;
    body.replaceChildren();
    var meta = [doc.title, viDate(doc.date), doc.issuer].filter(Boolean).join(" · ");
    if (meta) body.append(el("p", "pqa-doc-meta", meta));
    body.append(el("p", "pqa-doc-meta", doc.source));
    if (data.clause.reference) {
      var ref = el("div", "pqa-reference");
      ref.append(el("span", "pqa-reference-label", T.reference + ": "), el("span", "pqa-reference-text", data.clause.reference));
      var copyRef = el("button", "pqa-copy pqa-copy-ref", T.copyReference);
      copyRef.type = "button";
      var self = this;
      copyRef.addEventListener("click", function () {
        self.copy(data.clause.reference).then(
          function () { copyRef.textContent = T.copied; },
          function () { copyRef.textContent = T.copyFailed; }
        ).then(function () { setTimeout(function () { copyRef.textContent = T.copyReference; }, 2000); });
      });
      ref.append(copyRef);
      body.append(ref);
    }
    // "Xem trang gốc" (api/static/pageview.js): the cited clause on its PDF page, highlighted.
    var view = window.PolicyQAPageView;
    if (view && view.available(doc.source, data.clause.pages)) {
      body.append(view.button({
        apiBase: this.apiBase, apiKey: this.apiKey, docId: doc.id, clauseId: data.clause.id, pages: data.clause.pages
      }));
    }
    if (data.breadcrumb.length) {
      var crumbs = el("ol", "pqa-crumbs");
      crumbs.setAttribute("aria-label", "Vị trí trong văn bản");
      data.breadcrumb.forEach(function (b) { crumbs.append(el("li", null, b)); });
      body.append(crumbs);
    }
    var cited = null;
    var neighbours = data.neighbours.length ? data.neighbours : [data.clause];
    neighbours.forEach(function (c) {
      var block = el("div", "pqa-clause");
      var where = (c.label || c.locator) + (c.pages && c.pages.length ? " · " + T.page + " " + c.pages.join(", ") : "");
      block.append(el("span", "pqa-clause-loc", where), document.createTextNode(c.display || c.text));
      if (c.id === data.clause.id) {
        block.classList.add("pqa-clause-cited");
        block.setAttribute("aria-current", "true");
        cited = block;
      }
      body.append(block);
    });
    // Scroll the panel only (scrollIntoView would also move the host page around the widget).
    if (cited) body.scrollTop = Math.max(0, cited.offsetTop - body.clientHeight / 4);
    this.renderLineage(doc.id, body);
  };

  /* "Căn cứ" (what the document is based on or implements) and "Văn bản triển khai" (readable
   * documents implementing it), from /api/documents/{id}/related; nothing shown when empty. */
  Chat.prototype.renderLineage = async function (docId, body) {
    try {
      var response = await fetch(
        this.apiBase + "/api/documents/" + encodeURIComponent(docId) + "/related",
        { headers: this.headers(true) }
      );
      if (!response.ok || body !== this.panelBody) return;
      var data = await response.json();
      var bases = data.outgoing.filter(function (e) {
        return e.relation === "based_on" || e.relation === "implements";
      });
      var implementing = data.incoming.filter(function (e) { return e.relation === "implements"; });
      [[T.basedOn, bases, function (e) { return e.relation_label + ": " + e.target_label; }],
       [T.implementedBy, implementing, function (e) { return e.source_label; }]].forEach(function (part) {
        if (!part[1].length) return;
        var list = el("ul", "pqa-lineage");
        list.setAttribute("aria-label", part[0]);
        part[1].forEach(function (e) { list.append(el("li", null, part[2](e))); });
        body.append(el("h3", "pqa-lineage-head", part[0]), list);
      });
    } catch (err) {
      /* lineage is extra: the clause is already shown */
    }
  };

  Chat.prototype.closePanel = function () {
    this.panel.hidden = true;
    if (this.lastChip && this.lastChip.isConnected) this.lastChip.focus();
    else this.input.focus();
  };

  window.PolicyQAChat = {
    mount: function (root, options) { return new Chat(root, options || {}); }
  };

  // Declarative use: <div data-policyqa-chat data-api-base="https://…"></div>
  function autoMount() {
    document.querySelectorAll("[data-policyqa-chat]").forEach(function (node) {
      if (node.pqaChat) return;
      node.pqaChat = new Chat(node, {
        apiBase: node.dataset.apiBase || "",
        apiKey: node.dataset.apiKey || "",
        lookupHref: node.dataset.lookupHref || ""
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", autoMount);
  else autoMount();
})();
