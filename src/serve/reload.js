(() => {
  // dossier serve: reloads this page after each rebuild and shows build errors over it.
  const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/__dossier/ws";
  let wasConnected = false;
  let delay = 250;
  function overlay(lines) {
    let el = document.getElementById("dossier-errors");
    if (!lines || lines.length === 0) {
      if (el) el.remove();
      return;
    }
    if (!el) {
      el = document.createElement("div");
      el.id = "dossier-errors";
      el.setAttribute("role", "alert");
      el.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(20,0,0,.92);" +
        "color:#fff;font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;padding:2rem;white-space:pre-wrap";
      document.body.appendChild(el);
    }
    el.textContent = "dossier: the last save has errors; showing the last good pages\n\n" + lines.join("\n");
  }
  function connect() {
    const ws = new WebSocket(url);
    ws.onopen = () => {
      delay = 250;
      // The server restarted while we were away: the page may be stale.
      if (wasConnected) location.reload();
      wasConnected = true;
    };
    ws.onmessage = (ev) => {
      let msg;
      try { msg = JSON.parse(ev.data); } catch (e) { return; }
      if (msg.type === "reload") location.reload();
      else if (msg.type === "errors") overlay(msg.errors);
    };
    ws.onclose = () => {
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 2000);
    };
  }
  connect();
})();
