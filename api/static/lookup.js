/* policyqa lookup page for drafting staff: search with filters, a document's clause tree, a unit's
 * tasks, and clause text copied with its formal reference. Text goes in with textContent only. */
(function () {
  "use strict";

  var apiKey = (document.body.dataset.apiKey || "");
  var $ = function (id) { return document.getElementById(id); };

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  async function getJSON(path) {
    var headers = { Accept: "application/json" };
    if (apiKey) headers["X-API-Key"] = apiKey;
    var response = await fetch(path, { headers: headers });
    var data = null;
    try { data = await response.json(); } catch (e) { /* not JSON */ }
    if (!response.ok) {
      var err = new Error((data && data.detail) || response.statusText);
      err.status = response.status;
      throw err;
    }
    return data;
  }

  /* The clause text followed by its formal reference, as it is pasted into a draft. */
  function quoted(text, reference) {
    return reference ? text.trim() + "\n(" + reference + ")" : text.trim();
  }

  function copy(text) {
    function fallback() {
      var area = el("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.className = "lk-offscreen";
      document.body.append(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } finally { area.remove(); }
      if (!ok) throw new Error("copy refused");
    }
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text).catch(fallback);
    return new Promise(function (resolve) { fallback(); resolve(); });
  }

  function copyButton(label, text) {
    var button = el("button", "lk-copy", label);
    button.type = "button";
    button.addEventListener("click", function () {
      copy(text()).then(
        function () { button.textContent = "Đã sao chép"; },
        function () { button.textContent = "Không sao chép được"; }
      ).then(function () { setTimeout(function () { button.textContent = label; }, 2000); });
    });
    return button;
  }

  /* --- tabs ------------------------------------------------------------------------------ */
  var tabs = ["search", "docs", "units"];
  function show(name) {
    tabs.forEach(function (t) {
      $("tab-" + t).setAttribute("aria-selected", String(t === name));
      $("pane-" + t).hidden = t !== name;
    });
  }
  tabs.forEach(function (t) { $("tab-" + t).addEventListener("click", function () { show(t); }); });

  /* --- filters from the documents the caller may read ------------------------------------ */
  var documents = [];
  function fill(select, values) {
    values.forEach(function (v) { select.append(el("option", null, v)); });
  }
  function uniq(values) {
    return Array.from(new Set(values.filter(Boolean))).sort(function (a, b) { return a.localeCompare(b, "vi"); });
  }

  async function loadDocuments() {
    var data = await getJSON("/api/documents");
    documents = data.documents;
    fill($("f-type"), uniq(documents.map(function (d) { return d.doc_type; })));
    fill($("f-issuer"), uniq(documents.map(function (d) { return d.issuer; })));
    fill($("f-year"), uniq(documents.map(function (d) { return (d.date || "").slice(0, 4); })
      .filter(function (y) { return /^\d{4}$/.test(y); })).reverse());
    var list = $("doc-list");
    list.replaceChildren();
    documents.forEach(function (d) {
      var li = el("li");
      var button = el("button", "lk-doc", d.label);
      button.type = "button";
      button.dataset.docId = d.id;
      button.append(el("span", "lk-muted", [d.date, d.issuer].filter(Boolean).join(" · ")));
      button.addEventListener("click", function () { openDocument(d.id); });
      li.append(button);
      list.append(li);
    });
  }

  /* --- search ---------------------------------------------------------------------------- */
  $("search-form").addEventListener("submit", function (event) {
    event.preventDefault();
    search();
  });

  async function search() {
    var q = $("q").value.trim();
    if (!q) return;
    var params = new URLSearchParams({ q: q, k: "20" });
    if ($("f-type").value) params.set("doc_type", $("f-type").value);
    if ($("f-issuer").value) params.set("issuer", $("f-issuer").value);
    if ($("f-year").value) {
      params.set("date_from", $("f-year").value + "-01-01");
      params.set("date_to", $("f-year").value + "-12-31");
    }
    if ($("f-unit").value.trim()) params.set("unit", $("f-unit").value.trim());
    var status = $("search-status");
    var results = $("results");
    status.textContent = "Đang tìm…";
    results.replaceChildren();
    try {
      var data = await getJSON("/api/search?" + params.toString());
      status.textContent = data.hits.length ? data.hits.length + " kết quả" : "Không có kết quả.";
      data.hits.forEach(function (h) { results.append(resultItem(h)); });
    } catch (err) {
      status.textContent = "Không tìm được: " + err.message;
    }
  }

  function resultItem(h) {
    var li = el("li", "lk-result");
    li.dataset.clauseId = h.clause_id;
    li.append(el("p", "lk-ref", h.reference || h.locator + " · " + h.document));
    if (h.breadcrumb.length) li.append(el("p", "lk-crumbs", h.breadcrumb.join(" › ")));
    li.append(el("p", "lk-text", h.text));
    var actions = el("div", "lk-actions");
    actions.append(copyButton("Sao chép kèm trích dẫn", function () { return quoted(h.text, h.reference); }));
    var open = el("button", "lk-link", "Xem trong văn bản");
    open.type = "button";
    open.addEventListener("click", function () { show("docs"); openDocument(h.doc_id, h.clause_id); });
    actions.append(open);
    li.append(actions);
    return li;
  }

  /* --- a document's clause tree ---------------------------------------------------------- */
  var openDoc = null;  // the document whose tree is shown (its source tells whether pages can be viewed)

  async function openDocument(docId, focusId) {
    var view = $("doc-view");
    view.replaceChildren(el("p", "lk-status", "Đang tải văn bản…"));
    document.querySelectorAll(".lk-doc").forEach(function (b) {
      b.setAttribute("aria-current", String(b.dataset.docId === docId));
    });
    try {
      var doc = await getJSON("/api/documents/" + encodeURIComponent(docId));
      openDoc = doc;
      view.replaceChildren();
      view.append(el("h2", null, doc.label));
      var meta = [doc.title, doc.date, doc.issuer].filter(Boolean).join(" · ");
      if (meta) view.append(el("p", "lk-muted", meta));
      var detail = el("div", "lk-detail");
      detail.hidden = true;
      var tree = el("ul", "lk-tree");
      tree.setAttribute("role", "tree");
      doc.clauses.forEach(function (n) { tree.append(treeNode(n, detail)); });
      view.append(detail, tree);
      if (focusId) {
        var node = view.querySelector('[data-clause-id="' + CSS.escape(focusId) + '"]');
        if (node) {
          for (var p = node.parentElement; p && p !== tree; p = p.parentElement) {
            if (p.tagName === "DETAILS") p.open = true;
          }
          node.querySelector(".lk-node").click();
        }
      }
    } catch (err) {
      view.replaceChildren(el("p", "lk-status", "Không mở được văn bản: " + err.message));
    }
  }

  function treeNode(n, detail) {
    var li = el("li");
    li.dataset.clauseId = n.id;
    li.setAttribute("role", "treeitem");
    var head = el("button", "lk-node");
    head.type = "button";
    head.append(el("span", "lk-loc", n.locator), el("span", "lk-snippet", n.title || n.text));
    head.addEventListener("click", function () { openClause(n, detail, head); });
    if (n.children.length) {
      var box = el("details");
      var summary = el("summary");
      summary.append(head);
      var kids = el("ul", "lk-tree");
      kids.setAttribute("role", "group");
      n.children.forEach(function (c) { kids.append(treeNode(c, detail)); });
      box.append(summary, kids);
      li.append(box);
    } else {
      li.append(head);
    }
    return li;
  }

  async function openClause(n, detail, head) {
    document.querySelectorAll(".lk-node[aria-current]").forEach(function (b) { b.removeAttribute("aria-current"); });
    head.setAttribute("aria-current", "true");
    detail.hidden = false;
    detail.replaceChildren(el("p", "lk-ref", n.reference || n.locator), el("p", "lk-text", n.text));
    var actions = el("div", "lk-actions");
    actions.append(
      copyButton("Sao chép kèm trích dẫn", function () { return quoted(n.text, n.reference); }),
      copyButton("Sao chép trích dẫn", function () { return n.reference; })
    );
    detail.append(actions);
    var pageView = window.PolicyQAPageView;  // "Xem trang gốc": api/static/pageview.js
    if (pageView && openDoc && pageView.available(openDoc.source, n.pages)) {
      detail.append(pageView.button({
        apiKey: apiKey, docId: openDoc.id, clauseId: n.id, pages: n.pages, buttonClass: "lk-pageview-open"
      }));
    }
    try {
      var data = await getJSON("/api/clauses/" + encodeURIComponent(n.id));
      if (data.breadcrumb.length) detail.insertBefore(el("p", "lk-crumbs", data.breadcrumb.join(" › ")), detail.children[1]);
    } catch (err) { /* the tree already shows the text; the breadcrumb is extra */ }
  }

  /* --- units' tasks (GET /api/units; the tab stays hidden where the server has none) -------- */
  async function loadUnits() {
    var data;
    try {
      data = await getJSON("/api/units");
    } catch (err) {
      return; // 404: this server has no units endpoint; search, documents and copying still work
    }
    $("tab-units").hidden = false;
    var select = $("unit-select");
    var names = $("unit-names");
    data.units.forEach(function (u) {
      var option = el("option", null, u.name + " (" + (u.lead + u.coordinating) + ")");
      option.value = u.id;
      select.append(option);
      names.append(el("option", null, u.name));
    });
    select.addEventListener("change", function () { if (select.value) unitTasks(select.value); });
  }

  var ROLES = { lead: "Chủ trì", coordinating: "Phối hợp" };

  async function unitTasks(unitId) {
    var box = $("unit-tasks");
    box.replaceChildren(el("p", "lk-status", "Đang tải…"));
    try {
      var data = await getJSON("/api/units/" + encodeURIComponent(unitId) + "/tasks");
      var table = el("table", "lk-table");
      var head = el("tr");
      ["Văn bản", "Mục", "Nhiệm vụ", "Vai trò", "Thời hạn"].forEach(function (h) { head.append(el("th", null, h)); });
      var thead = el("thead");
      thead.append(head);
      var body = el("tbody");
      data.documents.forEach(function (group) {
        group.tasks.forEach(function (t) {
          var tr = el("tr");
          tr.append(el("td", null, group.document.label), el("td", null, t.locator), el("td", null, t.title),
            el("td", null, ROLES[t.role] || t.role), el("td", null, t.deadline || "—"));
          body.append(tr);
        });
      });
      table.append(thead, body);
      box.replaceChildren(table);
    } catch (err) {
      box.replaceChildren(el("p", "lk-status", "Không tải được: " + err.message));
    }
  }

  loadDocuments().catch(function (err) { $("search-status").textContent = "Không tải được danh sách văn bản: " + err.message; });
  loadUnits();
})();
