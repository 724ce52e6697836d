/* The chat sidebar: wx.config + wx.agentConfig, the customer in the chat, one-tap sendChatMessage. */
(function () {
  "use strict";
  var root = document.getElementById("sidebar");
  if (!root) { return; }
  var statusLine = root.querySelector("[data-testid=sidebar-status]");
  var list = root.querySelector("[data-testid=sidebar-todos]");

  function say(text) { statusLine.textContent = text; }

  var bridge = window.WeComBridge, getJSON = bridge.getJSON, invoke = bridge.invoke;

  function markSent(todo) {
    var url = root.dataset.sentUrl.replace("/0/sent", "/" + todo.id + "/sent");
    return fetch(url, { method: "POST", credentials: "same-origin",
      headers: { "X-CSRFToken": root.dataset.csrf, Accept: "application/json" } }).then(function (r) {
      if (!r.ok) { throw new Error("HTTP " + r.status); }
      return r.json();
    });
  }

  function send(todo, button) {
    button.disabled = true;
    var chain = invoke("sendChatMessage", { msgtype: "text", enterChat: false, text: { content: todo.text } });
    todo.materials.forEach(function (m) {
      if (m.url) {
        chain = chain.then(function () {
          return invoke("sendChatMessage", { msgtype: "news", enterChat: false,
            news: { link: m.url, title: m.title, desc: "", imgUrl: "" } });
        });
      }
    });
    chain.then(function () { return markSent(todo); }).then(function () {
      button.textContent = "已发送";
      button.closest("article").classList.add("sent");
    }).catch(function () {
      button.disabled = false;
      say("发送没有完成，请重试。");
    });
  }

  function render(todos) {
    list.textContent = "";
    if (!todos.length) {
      var empty = document.createElement("p");
      empty.className = "card sidebar-empty muted";
      empty.textContent = "这位顾客今天没有待办。";
      list.appendChild(empty);
      return;
    }
    todos.forEach(function (todo) {
      var card = document.createElement("article");
      card.className = "card todo";
      card.setAttribute("data-testid", "sidebar-todo");
      var title = document.createElement("div");
      title.className = "chip-rule";
      title.textContent = todo.rule;
      var text = document.createElement("p");
      text.className = "todo-text";
      text.textContent = todo.text;
      var button = document.createElement("button");
      button.className = "button button-primary button-block";
      button.setAttribute("data-testid", "sidebar-send");
      button.textContent = "一键发送";
      button.addEventListener("click", function () { send(todo, button); });
      card.appendChild(title);
      card.appendChild(text);
      card.appendChild(button);
      list.appendChild(card);
    });
  }

  if (!window.wx) { say("请在企业微信的聊天工具栏中打开此页面。"); return; }
  bridge.configure(root.dataset.configUrl).then(function () {
    return invoke("getCurExternalContact", {});
  }).then(function (res) {
    return getJSON(root.dataset.todosUrl + "?external_userid=" + encodeURIComponent(res.userId));
  }).then(function (data) {
    say("点「一键发送」把消息发到当前聊天。");
    render(data.todos);
  }).catch(function () {
    say("没能连接企业微信，请从聊天工具栏重新打开。");
  });
})();
