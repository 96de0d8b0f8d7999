/* Add the policyqa chat bubble to any page with one tag:
 *   <script src="https://HOST/widget.js" data-api-base="https://HOST" defer></script>
 * data-api-base defaults to the origin the script came from; data-api-key is optional. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.PolicyQAWidget) return;
  var base = (script.dataset.apiBase || new URL(script.src, location.href).origin).replace(/\/$/, "");
  var apiKey = script.dataset.apiKey || "";

  function start() {
    var bubble = document.createElement("button");
    bubble.type = "button";
    bubble.className = "pqa-bubble";
    bubble.textContent = "?";
    bubble.setAttribute("aria-label", "Mở hỏi đáp văn bản");
    bubble.setAttribute("aria-expanded", "false");

    var box = document.createElement("section");
    box.className = "pqa-float";
    box.hidden = true;
    box.id = "pqa-widget";
    bubble.setAttribute("aria-controls", box.id);
    document.body.append(box, bubble);

    var chat = null;
    function toggle(open) {
      box.hidden = !open;
      bubble.setAttribute("aria-expanded", String(open));
      bubble.textContent = open ? "×" : "?";
      bubble.setAttribute("aria-label", open ? "Đóng hỏi đáp văn bản" : "Mở hỏi đáp văn bản");
      if (open) {
        if (!chat) {
          chat = window.PolicyQAChat.mount(box, {
            apiBase: base, apiKey: apiKey, onClose: function () { toggle(false); }
          });
        }
        chat.input.focus();
      } else {
        bubble.focus();
      }
    }
    bubble.addEventListener("click", function () { toggle(box.hidden); });
    window.PolicyQAWidget = { open: function () { toggle(true); }, close: function () { toggle(false); } };
  }

  var css = document.createElement("link");
  css.rel = "stylesheet";
  css.href = base + "/static/chat.css";
  document.head.append(css);
  var pageView = document.createElement("script");  // "Xem trang gốc" (optional for the chat)
  pageView.src = base + "/static/pageview.js";
  document.head.append(pageView);
  var code = document.createElement("script");
  code.src = base + "/static/chat.js";
  code.onload = function () {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
    else start();
  };
  document.head.append(code);
})();
