/* WeCom's JS bridge (wx), shared by the chat sidebar and the material page: wx.config + wx.agentConfig
   signed by the app (GET configUrl?url=<this page>), and wx.invoke as a promise. */
(function () {
  "use strict";

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok) { throw new Error("HTTP " + r.status); }
      return r.json();
    });
  }

  function invoke(name, args) {
    return new Promise(function (resolve, reject) {
      window.wx.invoke(name, args, function (res) {
        if (res && res.err_msg === name + ":ok") { resolve(res); } else { reject(res); }
      });
    });
  }

  function configure(configUrl) {
    var page = location.href.split("#")[0];
    return getJSON(configUrl + "?url=" + encodeURIComponent(page)).then(function (cfg) {
      return new Promise(function (resolve, reject) {
        window.wx.config({ beta: true, debug: false, appId: cfg.corpid, timestamp: cfg.timestamp,
          nonceStr: cfg.nonceStr, signature: cfg.signature, jsApiList: cfg.jsApiList });
        window.wx.ready(function () {
          window.wx.agentConfig({ corpid: cfg.corpid, agentid: cfg.agentid, timestamp: cfg.timestamp,
            nonceStr: cfg.nonceStr, signature: cfg.agentSignature, jsApiList: cfg.jsApiList,
            success: resolve, fail: reject });
        });
        window.wx.error(reject);
      });
    });
  }

  window.WeComBridge = { getJSON: getJSON, invoke: invoke, configure: configure };
})();
