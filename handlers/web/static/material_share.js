/* The guide's material page: copy the text (with the guide's tracked link) and, inside WeCom, send it:
   into the current chat from the chat toolbar (sendChatMessage), else to customers picked in WeCom
   (shareToExternalContact). Outside WeCom there is only the copy. */
(function () {
  "use strict";
  var root = document.getElementById("share");
  if (!root) { return; }
  var text = root.querySelector("textarea");
  var statusLine = root.querySelector("[data-testid=share-status]");
  var sendButton = root.querySelector("[data-testid=share-send]");
  var link = root.dataset.link, title = root.dataset.title;

  function say(message) { statusLine.textContent = message; }

  function copy(value) {
    if (navigator.clipboard && window.isSecureContext) { return navigator.clipboard.writeText(value); }
    text.select();
    return document.execCommand("copy") ? Promise.resolve() : Promise.reject(new Error("copy"));
  }

  root.querySelector("[data-testid=share-copy]").addEventListener("click", function () {
    copy(text.value).then(function () { say("已复制，可粘贴到聊天中发给顾客。"); },
      function () { say("没能复制，请长按文案手动复制。"); });
  });

  if (!sendButton || !window.wx || !window.WeComBridge) { return; }
  var bridge = window.WeComBridge;

  function intoChat() {
    var chain = bridge.invoke("sendChatMessage", { msgtype: "text", enterChat: false, text: { content: text.value } });
    if (link) {
      chain = chain.then(function () {
        return bridge.invoke("sendChatMessage", { msgtype: "news", enterChat: false,
          news: { link: link, title: title, desc: "", imgUrl: "" } });
      });
    }
    return chain;
  }

  function toCustomers() {
    var attachments = link ? [{ msgtype: "link", link: { title: title, url: link, desc: "", imgUrl: "" } }] : [];
    return bridge.invoke("shareToExternalContact", { text: { content: text.value }, attachments: attachments });
  }

  sendButton.addEventListener("click", function () {
    sendButton.disabled = true;
    bridge.configure(root.dataset.configUrl).then(function () {
      return bridge.invoke("getContext", {});
    }).then(function (context) {
      var inChat = context.entry === "single_chat_tools" || context.entry === "group_chat_tools";
      return inChat ? intoChat() : toCustomers();
    }).then(function () {
      say("已发送。");
    }).catch(function () {
      say("发送没有完成，可以先复制文案。");
    }).then(function () { sendButton.disabled = false; });
  });
})();
