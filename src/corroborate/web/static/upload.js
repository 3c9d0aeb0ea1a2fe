// The upload page: one row per file or pasted link, each sent as its own request (a file as a
// raw PUT body, so the server streams it into the archive), with its progress, its result and,
// impossible to miss, the footage it shares with archived items and the incidents it is in.
// No dependencies; every text from the server goes in with textContent, never as markup.
(function () {
  "use strict";
  var root = document.getElementById("upload");
  if (!root) { return; }
  var csrf = root.getAttribute("data-csrf") || "";
  var rows = document.getElementById("upload-rows");
  var fileInput = document.getElementById("upload-input");
  var linkInput = document.getElementById("link-input");
  var linkButton = document.getElementById("link-submit");
  var sourceInput = document.getElementById("upload-source");
  var PARALLEL = 2;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  // A local file name is the user's own, but may still carry bidirectional controls that make
  // "evil<U+202E>gpj.exe" read as "evilexe.jpg": shown as visible escapes, never obeyed.
  function shown(name) {
    return String(name).replace(/[\u0000-\u001f\u007f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, function (c) {
      return "<U+" + ("000" + c.charCodeAt(0).toString(16).toUpperCase()).slice(-4) + ">";
    });
  }

  function clock(t) {
    var s = Math.max(0, Math.round(t));
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    var mm = (m < 10 ? "0" : "") + m, ss = (sec < 10 ? "0" : "") + sec;
    return h ? h + ":" + mm + ":" + ss : mm + ":" + ss;
  }

  function queue(limit) {
    var waiting = [], running = 0;
    function next() {
      while (running < limit && waiting.length) {
        running += 1;
        waiting.shift()(function () { running -= 1; next(); });
      }
    }
    return function (task) { waiting.push(task); next(); };
  }
  var fileQueue = queue(PARALLEL), linkQueue = queue(PARALLEL);

  function newRow(label, kind) {
    var row = el("li", { "class": "upload-row", "data-testid": "upload-row", "data-state": "waiting", "data-kind": kind });
    var head = el("div", { "class": "upload-head" });
    head.appendChild(el("bdi", { "class": "name", "data-testid": "upload-name" }, shown(label)));
    var state = el("span", { "class": "state", "data-testid": "upload-state" }, "waiting");
    head.appendChild(state);
    row.appendChild(head);
    var bar = el("progress", { "max": "100", "data-testid": "upload-progress" });
    if (kind === "file") { bar.value = 0; }
    row.appendChild(bar);
    var body = el("div", { "class": "upload-result" });
    row.appendChild(body);
    rows.appendChild(row);
    return {
      row: row,
      set: function (name, text) { row.setAttribute("data-state", name); state.textContent = text; },
      progress: function (fraction) { bar.value = Math.round(fraction * 100); },
      done: function () { bar.value = 100; bar.setAttribute("hidden", ""); },
      body: body
    };
  }

  function showError(r, message) {
    r.set("error", "failed");
    r.done();
    r.body.appendChild(el("p", { "class": "error", "role": "alert", "data-testid": "error" }, message));
  }

  function errorText(xhr) {
    try {
      var doc = JSON.parse(xhr.responseText);
      if (doc && doc.error && doc.error.message) { return doc.error.message; }
    } catch (e) { /* not JSON: say what status came back */ }
    return "the server answered " + xhr.status + (xhr.statusText ? " " + xhr.statusText : "");
  }

  function sharedAlert(result, footage) {
    var box = el("div", { "class": "shared", "role": "alert", "data-testid": "shared-footage" });
    var others = footage.items.filter(function (i) { return i.id !== result.item_id; });
    box.appendChild(el("h3", {}, "Shares footage " + footage.id + " with " + others.length +
      " other archived item" + (others.length === 1 ? "" : "s")));
    var list = el("ul");
    others.forEach(function (i) {
      var li = el("li");
      li.appendChild(el("a", { "class": "mono", "href": "/items/" + encodeURIComponent(i.id) }, i.id));
      li.appendChild(document.createTextNode(" "));
      li.appendChild(el("bdi", {}, i.name));
      li.appendChild(document.createTextNode(" "));
      i.ranges.forEach(function (r) { li.appendChild(el("span", { "class": "range" }, clock(r[0]) + "-" + clock(r[1]))); });
      if (i.compilation) { li.appendChild(document.createTextNode(" (compilation)")); }
      list.appendChild(li);
    });
    box.appendChild(list);
    if (footage.incidents.length) {
      var p = el("p", { "class": "incidents" }, "Evidence of: ");
      footage.incidents.forEach(function (inc, n) {
        if (n) { p.appendChild(document.createTextNode("; ")); }
        p.appendChild(el("a", { "href": "/incidents/" + encodeURIComponent(inc.incident), "data-testid": "shared-incident" }, inc.incident));
        p.appendChild(document.createTextNode(" "));
        p.appendChild(el("bdi", {}, inc.title));
        p.appendChild(document.createTextNode(" (" + inc.status + ", linked as " + inc.through + ")"));
      });
      box.appendChild(p);
    } else {
      box.appendChild(el("p", { "class": "muted" }, "Not yet evidence of any incident."));
    }
    return box;
  }

  function showResult(r, result) {
    var line = el("p", { "class": "outcome" });
    if (result.error) {
      r.body.appendChild(el("p", { "class": "error", "role": "alert", "data-testid": "error" }, result.error));
      return false;
    }
    line.appendChild(el("a", { "class": "mono", "href": "/items/" + encodeURIComponent(result.item_id), "data-testid": "upload-item" }, result.item_id));
    line.appendChild(document.createTextNode(" "));
    line.appendChild(el("strong", { "data-testid": "upload-status" }, result["new"] ? "new" : "already archived"));
    line.appendChild(document.createTextNode(" " + result.kind + ", "));
    line.appendChild(el("bdi", {}, result.original_name));
    r.body.appendChild(line);
    (result.shared_footage || []).forEach(function (f) { r.body.appendChild(sharedAlert(result, f)); });
    if (result.warning) { r.body.appendChild(el("p", { "class": "error", "data-testid": "upload-warning" }, result.warning)); }
    (result.notes || []).forEach(function (n) { r.body.appendChild(el("p", { "class": "muted", "data-testid": "upload-note" }, n)); });
    return true;
  }

  function sendFile(file) {
    var r = newRow(file.name, "file");
    fileQueue(function (finished) {
      var xhr = new XMLHttpRequest();
      var query = "name=" + encodeURIComponent(file.name);
      var source = sourceInput.value.trim();
      if (source) { query += "&source=" + encodeURIComponent(source); }
      xhr.open("PUT", "/api/uploads?" + query);
      xhr.setRequestHeader("X-CSRF-Token", csrf);
      xhr.setRequestHeader("Content-Type", "application/octet-stream");
      r.set("uploading", "uploading 0%");
      xhr.upload.onprogress = function (e) {
        if (e.lengthComputable && e.total) {
          r.progress(e.loaded / e.total);
          r.set("uploading", "uploading " + Math.floor(100 * e.loaded / e.total) + "%");
        }
      };
      xhr.upload.onload = function () { r.progress(1); r.set("processing", "archiving and comparing"); };
      xhr.onload = function () {
        if (xhr.status >= 200 && xhr.status < 300) {
          r.done();
          var result = JSON.parse(xhr.responseText);
          r.set(showResult(r, result) ? "done" : "error", result["new"] ? "archived" : "already archived");
        } else {
          showError(r, errorText(xhr));
        }
        finished();
      };
      xhr.onerror = function () { showError(r, file.name + ": the connection was lost; nothing was archived"); finished(); };
      xhr.send(file);
    });
  }

  function sendLink(url) {
    var r = newRow(url, "link");
    linkQueue(function (finished) {
      var xhr = new XMLHttpRequest();
      xhr.open("POST", "/api/links");
      xhr.setRequestHeader("X-CSRF-Token", csrf);
      xhr.setRequestHeader("Content-Type", "application/json");
      r.set("fetching", "fetching");
      xhr.onload = function () {
        if (xhr.status >= 200 && xhr.status < 300) {
          r.done();
          var doc = JSON.parse(xhr.responseText), ok = true;
          doc.results.forEach(function (result) { ok = showResult(r, result) && ok; });
          r.set(ok ? "done" : "error", ok ? "archived" : "partly archived");
        } else {
          showError(r, errorText(xhr));
        }
        finished();
      };
      xhr.onerror = function () { showError(r, url + ": the connection was lost"); finished(); };
      var source = sourceInput.value.trim();
      xhr.send(JSON.stringify(source ? { url: url, source: source } : { url: url }));
    });
  }

  fileInput.addEventListener("change", function () {
    Array.prototype.forEach.call(fileInput.files, sendFile);
    fileInput.value = "";
  });
  linkButton.addEventListener("click", function () {
    linkInput.value.split(/\r?\n/).map(function (s) { return s.trim(); })
      .filter(function (s) { return s.length > 0; }).forEach(sendLink);
    linkInput.value = "";
  });
}());
