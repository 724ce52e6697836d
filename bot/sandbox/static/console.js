/* The console's buttons and forms: POST the action as JSON, show the answer, reload to see the new world. */
(function () {
  "use strict";
  var out = document.getElementById("out");

  function act(name, body) {
    return fetch("act/" + name, { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body) }).then(function (r) { return r.json(); }).then(function (answer) {
      out.textContent = JSON.stringify(answer, null, 2);
      if (!answer.error) { setTimeout(function () { location.reload(); }, 800); }
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-act]");
    if (!button) { return; }
    button.disabled = true;
    act(button.dataset.act, JSON.parse(button.dataset.body || "{}"));
  });

  var forms = {
    "tag": function (form) {
      return ["member_edits_customer", { external_userid: form.dataset.eid, userid: form.dataset.userid,
        add_tags: [form.elements.tag.value] }];
    },
    "new-tag": function (form) {
      return ["admin_creates_tag", { group_name: form.elements.group_name.value, tag_name: form.elements.tag_name.value }];
    },
    "group": function (form) {
      var chosen = Array.prototype.filter.call(form.querySelectorAll("input[name=member]"), function (box) {
        return box.checked; }).map(function (box) { return box.value; });
      return ["create_group", { owner: form.dataset.owner, name: form.elements.name.value, member_ids: chosen }];
    },
    "join": function (form, button) {
      var outsider = !button || button.value === "outsider", body = { chat_id: form.dataset.chat,
        name: form.elements.name.value };
      if (outsider) { body.corp_name = form.elements.corp_name.value; }
      return [outsider ? "outsider_joins_group" : "customer_joins_group", body];
    }
  };

  document.addEventListener("submit", function (event) {
    var form = event.target, build = forms[form.dataset.form];
    if (!build) { return; }
    event.preventDefault();
    var call = build(form, event.submitter);
    act(call[0], call[1]);
  });
})();
