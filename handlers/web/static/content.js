/* HQ content library: drag-and-drop uploads with progress, the image picker, placeholders, filters.
   Plain JavaScript, no libraries. Each file is its own request so every file has its own progress bar. */
(function () {
  "use strict";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) { node.textContent = text; }
    return node;
  }

  function addChosen(target, id, thumbUrl, name) {
    if (!target || target.querySelector('[data-file-id="' + id + '"]')) { return; }
    var item = el("div", {"class": "thumb", "data-file-id": id});
    item.appendChild(el("img", {src: thumbUrl, alt: name || ""}));
    item.appendChild(el("input", {type: "hidden", name: "file_ids", value: id}));
    item.appendChild(el("span", {"class": "x", role: "button", "data-remove": ""}, "×"));
    target.appendChild(item);
  }

  function uploader(root) {
    var input = root.querySelector("input[type=file]");
    var zone = root.querySelector(".dropzone");
    var list = root.querySelector(".uploads");
    var target = root.dataset.target ? document.querySelector(root.dataset.target) : null;
    var createBox = root.querySelector("[data-create-material]");
    var maxBytes = parseInt(root.dataset.maxBytes, 10);
    var queue = [], busy = false;

    function row(file) {
      var li = el("li", {"data-name": file.name});
      li.appendChild(el("span", {"class": "ph"}));
      var middle = el("div");
      middle.appendChild(el("div", {}, file.name));
      var bar = el("progress", {max: "100", value: "0"});
      middle.appendChild(bar);
      li.appendChild(middle);
      var state = el("span", {"class": "state"}, "等待");
      li.appendChild(state);
      list.appendChild(li);
      return {li: li, bar: bar, state: state};
    }

    function fail(ui, message) {
      ui.li.classList.add("failed");
      ui.state.textContent = "失败";
      ui.li.appendChild(el("div", {"class": "err", role: "alert"}, message));
    }

    function send(file, ui, done) {
      var form = new FormData();
      form.append("file", file, file.name);
      if (createBox && createBox.checked) { form.append("create_material", "1"); }
      var xhr = new XMLHttpRequest();
      xhr.open("POST", root.dataset.uploadUrl);
      xhr.setRequestHeader("X-CSRFToken", root.dataset.csrf);
      xhr.upload.onprogress = function (e) {
        if (e.lengthComputable) { ui.bar.value = Math.round(e.loaded * 100 / e.total); }
      };
      xhr.onload = function () {
        var body = {};
        try { body = JSON.parse(xhr.responseText); } catch (ignored) { body = {}; }
        if (xhr.status === 201) {
          ui.bar.value = 100;
          ui.state.textContent = "已上传";
          ui.state.className = "state ok";
          ui.li.classList.add("done");
          ui.li.replaceChild(el("img", {src: body.thumb_url, alt: ""}), ui.li.firstChild);
          addChosen(target, String(body.id), body.thumb_url, body.name);
        } else {
          fail(ui, body.message || ("上传失败（" + xhr.status + "）"));
        }
        done();
      };
      xhr.onerror = function () { fail(ui, "网络错误，请重试"); done(); };
      ui.state.textContent = "上传中";
      xhr.send(form);
    }

    function next() {
      if (busy || !queue.length) { return; }
      busy = true;
      var job = queue.shift();
      send(job.file, job.ui, function () { busy = false; next(); });
    }

    function accept(files) {
      Array.prototype.forEach.call(files, function (file) {
        var ui = row(file);
        if (file.size > maxBytes) {       // the server checks too; this only saves a useless upload
          fail(ui, "「" + file.name + "」超过 " + root.dataset.maxMb + " MB 上限");
          return;
        }
        queue.push({file: file, ui: ui});
      });
      next();
    }

    input.addEventListener("change", function () { accept(input.files); input.value = ""; });
    ["dragenter", "dragover"].forEach(function (type) {
      zone.addEventListener(type, function (e) { e.preventDefault(); zone.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (type) {
      zone.addEventListener(type, function (e) { e.preventDefault(); zone.classList.remove("over"); });
    });
    zone.addEventListener("drop", function (e) {
      if (e.dataTransfer && e.dataTransfer.files) { accept(e.dataTransfer.files); }
    });
  }

  document.querySelectorAll("[data-uploader]").forEach(uploader);

  document.addEventListener("click", function (e) {
    var remove = e.target.closest("[data-remove]");
    if (remove) { remove.closest(".thumb").remove(); return; }
    var pick = e.target.closest("[data-pick]");
    if (pick) {
      addChosen(document.querySelector("#chosen-files"), pick.dataset.pick, pick.dataset.thumb, pick.dataset.name);
      return;
    }
    var insert = e.target.closest("[data-insert]");
    if (insert) {
      var area = document.querySelector("[data-placeholder-target]");
      var at = area.selectionStart || area.value.length;
      area.value = area.value.slice(0, at) + insert.dataset.insert + area.value.slice(area.selectionEnd || at);
      area.focus();
    }
  });

  var filter = document.querySelector("[data-filter-products]");
  if (filter) {
    filter.addEventListener("input", function () {
      var q = filter.value.trim().toLowerCase();
      document.querySelectorAll("tr[data-search]").forEach(function (tr) {
        tr.hidden = q && tr.dataset.search.toLowerCase().indexOf(q) < 0;
      });
    });
  }

  document.querySelectorAll("[data-scope-radios] input").forEach(function (radio) {
    radio.addEventListener("change", function () {
      document.querySelectorAll("[data-scope]").forEach(function (box) {
        box.hidden = box.dataset.scope !== radio.value;
      });
    });
  });
})();
