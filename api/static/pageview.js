/* "Xem trang gốc": the page(s) of a PDF that print a cited clause, drawn by the server with the
 * clause's words highlighted (GET /api/documents/{id}/pages/{n}?clause={clause_id}), fetched with
 * the caller's key and shown as images (data: URLs, which the pages' CSP allows). */
(function () {
  "use strict";
  if (window.PolicyQAPageView) return;
  var T = {
    open: "Xem trang gốc",
    hide: "Ẩn trang gốc",
    loading: "Đang tải trang gốc…",
    failed: "Không tải được trang gốc: ",
    caption: "Trang {n} của bản gốc — phần được trích dẫn tô vàng"
  };
  var MAX_PAGES = 3;

  function available(source, pages) {
    return /\.pdf$/i.test(source || "") && Array.isArray(pages) && pages.length > 0;
  }

  async function fetchPage(opts, n) {
    var headers = { Accept: "image/png" };
    if (opts.apiKey) headers["X-API-Key"] = opts.apiKey;
    var url = (opts.apiBase || "") + "/api/documents/" + encodeURIComponent(opts.docId) + "/pages/" + n +
      "?clause=" + encodeURIComponent(opts.clauseId);
    var response = await fetch(url, { headers: headers });
    if (!response.ok) {
      var detail = response.statusText;
      try { detail = (await response.json()).detail || detail; } catch (e) { /* not JSON */ }
      throw new Error(detail);
    }
    var blob = await response.blob();
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onload = function () { resolve(reader.result); };
      reader.onerror = function () { reject(new Error("đọc ảnh thất bại")); };
      reader.readAsDataURL(blob);
    });
  }

  /* A "Xem trang gốc" button and, once pressed, the highlighted page images under it. */
  function button(opts) {
    var wrap = document.createElement("div");
    wrap.className = "pqa-pageview";
    var open = document.createElement("button");
    open.type = "button";
    open.className = opts.buttonClass || "pqa-copy pqa-pageview-open";
    open.textContent = T.open;
    open.setAttribute("aria-expanded", "false");
    var pages = document.createElement("div");
    pages.className = "pqa-pageview-pages";
    pages.hidden = true;
    var loaded = false;
    open.addEventListener("click", async function () {
      var show = pages.hidden;
      pages.hidden = !show;
      open.textContent = show ? T.hide : T.open;
      open.setAttribute("aria-expanded", String(show));
      if (!show || loaded) return;
      loaded = true;
      var status = document.createElement("p");
      status.textContent = T.loading;
      status.setAttribute("role", "status");
      pages.append(status);
      try {
        for (var i = 0; i < Math.min(opts.pages.length, MAX_PAGES); i++) {
          var n = opts.pages[i];
          var src = await fetchPage(opts, n);
          var figure = document.createElement("figure");
          figure.style.margin = "0.5em 0";
          var img = document.createElement("img");
          img.src = src;
          img.alt = T.caption.replace("{n}", n);
          img.className = "pqa-pageview-img";
          img.style.maxWidth = "100%";
          img.style.height = "auto";
          img.style.border = "1px solid #ccc";
          var caption = document.createElement("figcaption");
          caption.textContent = T.caption.replace("{n}", n);
          caption.style.fontSize = "0.85em";
          figure.append(img, caption);
          pages.append(figure);
        }
        status.remove();
      } catch (err) {
        loaded = false;
        status.textContent = T.failed + err.message;
      }
    });
    wrap.append(open, pages);
    return wrap;
  }

  window.PolicyQAPageView = { available: available, button: button };
})();
